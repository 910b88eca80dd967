import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { local, type Run, type StepView } from 'dflow-ts/local'
import argumentsParameters from '../../examples/argo/arguments-parameters.ts'
import artifactPassing from '../../examples/argo/artifact-passing.ts'
import dagDiamond from '../../examples/argo/dag-diamond.ts'
import globalParameters from '../../examples/argo/global-parameters.ts'
import helloWorld from '../../examples/argo/hello-world.ts'
import nestedWorkflow from '../../examples/argo/nested-workflow.ts'
import outputParameter from '../../examples/argo/output-parameter.ts'
import steps from '../../examples/argo/steps.ts'
import { tempDir } from '../helpers/tmp.ts'

// Argo's examples, ported to the DSL and run locally: each must print what reference/argo.md §2.2 says.
const test = suite('local: Argo examples run as documented')
const tmp = tempDir('argo-ex')
test.after(tmp.cleanup)

const run = async (wf: Workflow<any>, parameters?: Record<string, unknown>): Promise<Run> => {
  const r = await local({ runsDir: tmp.path }).run(wf, parameters ? { parameters } : {})
  assert.is(r.status, 'Succeeded', r.message)
  return r
}
const logOf = (r: Run, name: string) => r.step(name).log()
const start = (s: StepView) => Date.parse(s.record.startedAt!)
const end = (s: StepView) => Date.parse(s.record.finishedAt!)

test('hello-world prints "hello world"', async () => {
  assert.is(logOf(await run(helloWorld), 'hello-world'), 'hello world\n')
})

test('arguments-parameters prints its argument, "hello world" by default', async () => {
  assert.is(logOf(await run(argumentsParameters), 'print-message'), 'hello world\n')
  assert.is(logOf(await run(argumentsParameters, { message: 'hi there' }), 'print-message'), 'hi there\n')
})

test('global-parameters prints the workflow parameter', async () => {
  assert.is(logOf(await run(globalParameters), 'print-message'), 'hello world\n')
  assert.is(logOf(await run(globalParameters, { message: 'global hi' }), 'print-message'), 'global hi\n')
})

test('steps: hello1, then hello2a and hello2b in parallel', async () => {
  const r = await run(steps)
  for (const n of ['hello1', 'hello2a', 'hello2b']) assert.is(logOf(r, n), `${n}\n`)
  assert.is(r.step('hello1').id, 'hello-hello-hello.hello1')
  assert.ok(start(r.step('hello2a')) >= end(r.step('hello1')))
  assert.ok(start(r.step('hello2b')) >= end(r.step('hello1')))
})

test('dag-diamond: A, then B and C, then D', async () => {
  const r = await run(dagDiamond)
  for (const n of ['A', 'B', 'C', 'D']) assert.is(logOf(r, n), `${n}\n`)
  assert.ok(start(r.step('B')) >= end(r.step('A')) && start(r.step('C')) >= end(r.step('A')))
  assert.ok(start(r.step('D')) >= Math.max(end(r.step('B')), end(r.step('C'))))
  assert.is(r.step('diamond').type, 'DAG')
})

test('output-parameter: the consumer prints the parameter read from the file', async () => {
  const r = await run(outputParameter)
  assert.is(r.step('generate-parameter').outputs['hello-param'], 'hello world')
  assert.is(logOf(r, 'consume-parameter'), 'hello world\n')
})

test('artifact-passing: both steps print "hello world"', async () => {
  const r = await run(artifactPassing)
  assert.is(logOf(r, 'generate-artifact'), 'hello world\n')
  assert.is(logOf(r, 'consume-artifact'), 'hello world\n')
})

test('nested-workflow: the inner and the outer consumer see the generated values', async () => {
  const r = await run(nestedWorkflow)
  const consumers = r.steps({ name: 'consume' })
  assert.is(consumers.length, 2)
  for (const c of consumers) assert.is(c.log(), 'input parameter value: my-output-parameter\ninput artifact contents:\nhello world\n')
  assert.is(r.step('nested-wf').outputs['nested-out-parameter'], 'my-output-parameter')
})

test.run()
