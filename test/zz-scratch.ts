import { toYaml, importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { compileChecked } from './argo/support/checked.ts'
import wf from '../examples/slices/group-subpath.ts'
const y = toYaml(compileChecked(wf))
const m = compileChecked(wf) as any
const top = m.spec.templates.find((x: any) => x.name === 'group-subpath')
console.log(JSON.stringify(top.steps, null, 1).slice(0, 3000))
const imported = importWorkflow(y)
const run = await local({ runsDir: '/tmp/gs-runs' }).run(imported.workflow)
console.log(run.status, run.message, JSON.stringify(run.step('hello').outputs), JSON.stringify(run.step('cat').outputs))
