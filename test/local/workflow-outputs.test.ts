import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, param, seq, sh, shell, step, t, validate, workflow, workflowOutput, workflowOutputArtifact, ALL_FEATURES } from 'dflow-ts'
import { argoRunView, compile } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { summary } from '../../lib/cli/format.ts'
import { checkExample } from '../conformance/parity-examples.ts'
import { sharedFolder } from '../conformance/parity.ts'
import { repoRoot } from '../argo/support/shared.ts'
import globalOutputs from '../../examples/argo/global-outputs.ts'

/** Workflow outputs (`global: NAME` on an output, Argo's globalName): one meaning locally, compiled, and imported back. */
const tmp = tempDir('workflow-outputs')
const shared = sharedFolder()
test.after(() => (tmp.cleanup(), shared.cleanup()))

const gen = (name: string, text: string) =>
  shell({
    name,
    outputs: { msg: param(t.string, { path: 'm.txt', global: 'greeting' }), file: artifact({ path: 'f.txt', global: 'report' }) },
    script: (_, o) => sh`printf ${text} > ${o.msg}; printf ${text} > ${o.file}`,
  })
const say = shell({ name: 'say', inputs: { msg: param(t.string) }, script: ({ msg }) => sh`echo ${msg}` })
const cat = shell({ name: 'cat', inputs: { file: artifact() }, script: ({ file }) => sh`cat ${file}` })
const readers = [step('say', say, { msg: workflowOutput('greeting', t.string) }), step('cat', cat, { file: workflowOutputArtifact('report') })] as const

test('a later step reads the workflow outputs; the run records them; the last to succeed wins', async () => {
  const wf = workflow('globals', seq(step('one', gen('gen-one', 'first')), step('two', gen('gen-two', 'second')), ...readers))
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('say').log(), 'second\n')
  assert.is(run.step('cat').log(), 'second')
  assert.is(run.record.outputs?.parameters.greeting, 'second')
  assert.ok(run.record.outputs?.artifacts.report, 'the artifact is a workflow output')
  assert.match(summary(run), /\nworkflow outputs: greeting=second report=steps\/two\/workdir\/f\.txt\n/, 'dflow run prints them')
})

test('a read before any step exported it errors the step, naming the output; a default is taken instead', async () => {
  const withDefault = shell({ name: 'say-d', inputs: { msg: param(t.string, { default: 'none yet' }) }, script: ({ msg }) => sh`echo ${msg}` })
  const wf = workflow('early', seq(step('say', say, { msg: workflowOutput('greeting', t.string) }), step('gen', gen('gen', 'x'))))
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Failed')
  assert.match(run.step('say').message ?? '', 'no value for workflow output "greeting": no step that exports it has succeeded before this one')
  const ok = await local({ runsDir: tmp.path }).run(workflow('early-d', seq(step('say', withDefault, { msg: workflowOutput('greeting', t.string) }), step('gen', gen('gen', 'x')))))
  assert.is(ok.status, 'Succeeded')
  assert.is(ok.step('say').log(), 'none yet\n')
})

test('validation: an output no template exports, a codec that does not fit, a script hole, one name for a parameter and an artifact', () => {
  const msgs = (w: Parameters<typeof validate>[0]) => validate(w, { supports: ALL_FEATURES }).map((p) => `${p.path.join('.')}: ${p.message}`)
  assert.equal(msgs(workflow('a', step('say', say, { msg: workflowOutput('nope', t.string) }))), ['a.say.args.msg: no template of the workflow exports a workflow output "nope"'])
  assert.equal(msgs(workflow('b', seq(step('g', gen('g', 'x')), step('say', say, { msg: workflowOutput('greeting', t.number) as never })))), [
    'b.say.args.msg: workflow output "greeting" is exported as string but read as number',
  ])
  const hole = shell({ name: 'hole', script: () => sh`echo ${workflowOutput('greeting', t.string)}` })
  assert.ok(msgs(workflow('c', seq(step('g', gen('g', 'x')), step('h', hole)))).some((m) => m.includes('a script cannot read workflow output "greeting" directly')))
  const clash = shell({ name: 'clash', outputs: { f: artifact({ path: 'f', global: 'greeting' }) }, script: () => sh`touch f` })
  assert.ok(msgs(workflow('d', seq(step('g', gen('g', 'x')), step('c', clash)))).some((m) => m.includes('is exported both as a parameter and as an artifact')))
})

test('compiled: globalName on the outputs, {{workflow.outputs.…}} in the arguments', () => {
  const m = compile(workflow('globals', seq(step('one', gen('gen-one', 'first')), ...readers)))
  const g = m.spec.templates.find((x) => x.name === 'gen-one')!
  assert.equal(g.outputs?.parameters?.map((p) => p.globalName), ['greeting'])
  assert.equal(g.outputs?.artifacts?.map((p) => p.globalName), ['report'])
  const calls = m.spec.templates.find((x) => x.name === 'globals')!.steps!.flat()
  assert.is(calls.find((c) => c.name === 'say')!.arguments!.parameters![0]!.value, '{{workflow.outputs.parameters.greeting}}')
  assert.is(calls.find((c) => c.name === 'cat')!.arguments!.artifacts![0]!.from, '{{workflow.outputs.artifacts.report}}')
})

test('examples/argo/global-outputs.ts: the same outcome locally and compiled, imported and run', async () => {
  const run = await local({ runsDir: tmp.path }).run(globalOutputs)
  assert.is(run.status, 'Succeeded')
  assert.equal(run.record.outputs?.parameters, { 'my-global-param': 'hello world' })
  await checkExample(join(repoRoot, 'examples', 'argo', 'global-outputs.ts'), { runsDir: tmp.path, shared: shared.path })
})

test("on a cluster: the workflow's status.outputs are the run record's outputs, as locally", () => {
  const view = argoRunView({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'globals-x' },
    status: { phase: 'Succeeded', outputs: { parameters: [{ name: 'greeting', value: 'second' }], artifacts: [{ name: 'report', s3: { key: 'globals-x/gen/report.tgz' } }] } },
  } as never, undefined, undefined, { bucket: 'artifacts', stores: [] } as never)
  assert.equal(view.record.outputs?.parameters, { greeting: 'second' })
  assert.equal(view.record.outputs?.artifacts.report, { store: 's3://artifacts/', key: 'globals-x/gen/report' })
  assert.is(argoRunView({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'n' }, status: { phase: 'Succeeded' } } as never).record.outputs, undefined)
})

test.run()
