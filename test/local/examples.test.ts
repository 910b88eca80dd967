import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
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
  assert.is(readFileSync((h3.outputs.bar as { path: string }).path, 'utf8'), 'Hello\n'.repeat(4))
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

test('openRun(dir, wf) decodes outputs with the workflow\'s codecs, as the run did (the workflow value, as documented)', async () => {
  // A codec whose value is not its JSON: a Date, stored as its ISO text.
  const date = new t.Type<Date, string, unknown>('Date', (u): u is Date => u instanceof Date, (u, c) => (typeof u === 'string' && !Number.isNaN(Date.parse(u)) ? t.success(new Date(u)) : t.failure(u, c)), (d) => d.toISOString())
  const when = shell({ name: 'when', inputs: { at: param(date) }, outputs: { at: param(date), n: param(t.number) }, script: ({ at }, o) => sh`printf '%s' ${at} > ${o.at}; echo 7 > ${o.n}` })
  const wf = workflow('dates', step('w', when, { at: new Date('2026-01-02T03:04:05.000Z') }))
  const first = await local({ runsDir: tmp.path }).run(wf)
  assert.is(first.status, 'Succeeded', first.message)
  const again = await openRun(first.dir, wf)
  const w = again.step('w')
  assert.instance(w.outputs.at, Date)
  assert.is((w.outputs.at as Date).toISOString(), '2026-01-02T03:04:05.000Z')
  assert.instance(w.inputs.at, Date)
  assert.is(w.outputs.n, 7)
  assert.equal(w.outputs, first.step('w').outputs)
  assert.is(typeof (await openRun(first.dir)).step('w').outputs.at, 'string', 'without the workflow: the stored JSON')
})

test('E4 dag: hello1.msg is 2 and its bar holds Hello twice', async () => {
  const run = await local({ runsDir: tmp.path }).run(dagWf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('hello1').outputs.msg, 2)
  assert.is(readFileSync((run.step('hello1').outputs.bar as { path: string }).path, 'utf8'), 'Hello\nHello\n')
})

test.run()
