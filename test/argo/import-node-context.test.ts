/** Argo's node-context variables in a leaf: {{steps.name}} and {{tasks.name}} are the calling step's (dag task's) name, filled by each call. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

const tmp = tempDir('dflow-import-node-context-')
test.after(tmp.cleanup)
const run = (doc: unknown) => local({ runsDir: tmp.path }).run(importWorkflow(doc, {}).workflow)
const say = (tag: string) => ({ name: 'say', container: { image: 'busybox', command: ['sh', '-c', `echo "I am {{${tag}}}"`] } })

test('{{steps.name}}: each step calling the leaf pastes its own name', async () => {
  const r = await run(wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'first', template: 'say' }], [{ name: 'second', template: 'say' }]] }, say('steps.name')] }))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(printed(r.step('first')), 'I am first')
  assert.is(printed(r.step('second')), 'I am second')
})

test('{{tasks.name}}: each dag task calling the leaf pastes its own name', async () => {
  const r = await run(wf({ entrypoint: 'main', templates: [{ name: 'main', dag: { tasks: [{ name: 'a', template: 'say' }, { name: 'b', template: 'say', depends: 'a' }] } }, say('tasks.name')] }))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(printed(r.steps().find((s) => s.name === 'b')!), 'I am b')
})

test('refused: in a fan-out, from the wrong kind of caller, in the entrypoint', () => {
  const loop = wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'each', template: 'say', withItems: [1, 2] }]] }, say('steps.name')] })
  assert.match(problemsOf(loop).join('\n'), /called by a fan-out: Argo's name of each call/)
  const dagCaller = wf({ entrypoint: 'main', templates: [{ name: 'main', dag: { tasks: [{ name: 'a', template: 'say' }] } }, say('steps.name')] })
  assert.match(problemsOf(dagCaller).join('\n'), /it is the name of the calling step, and this call is a dag task/)
  assert.match(problemsOf(wf({ entrypoint: 'say', templates: [say('steps.name')] })).join('\n'), /the entrypoint has none/)
})

test.run()
