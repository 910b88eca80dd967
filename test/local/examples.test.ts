import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { local, openRun } from 'dflow-ts/local'
import dagWf from '../../examples/dag.ts'
import stepsWf from '../../examples/steps.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: examples')
const tmp = tempDir('examples')
test.after(tmp.cleanup)

test('E3 steps: hello3.msg is the number 4 and its bar holds Hello four times', async () => {
  const run = await local({ runsDir: tmp.path }).run(stepsWf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(
    ['hello0', 'hello1', 'hello2', 'hello3'].map((n) => run.step(n).outputs.msg),
    [1, 2, 4, 4],
  )
  const h3 = run.step('hello3')
  assert.is(typeof h3.outputs.msg, 'number')
  assert.is(readFileSync(h3.outputs.bar as string, 'utf8'), 'Hello\n'.repeat(4))
  assert.is(h3.type, 'Pod')
})

test('E3 read back from its run folder gives the same answers', async () => {
  const first = await local({ runsDir: tmp.path }).run(stepsWf)
  const again = await openRun(first.dir)
  assert.is(again.status, 'Succeeded')
  assert.is(again.step('hello3').outputs.msg, 4)
  assert.equal(
    again.steps().map((s) => s.id),
    first.steps().map((s) => s.id),
  )
})

test('E4 dag: hello1.msg is 2 and its bar holds Hello twice', async () => {
  const run = await local({ runsDir: tmp.path }).run(dagWf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('hello1').outputs.msg, 2)
  assert.is(readFileSync(run.step('hello1').outputs.bar as string, 'utf8'), 'Hello\nHello\n')
})

test.run()
