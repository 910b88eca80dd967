import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { forEach, par, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

// A fan-out (a forEach, or a par of steps) holds per-call state only while a call is under way: at most max(16, 2 x parallelism) calls at
// once, the others not started (no folder, no record, nothing in memory). It started all of them at once,
// each holding its inputs, rendered script, environment and folders while it waited for a slot (31-38 KB
// of driver memory per call). Each call here counts the step folders that exist while it runs, less those
// of calls that are finished (they wrote `done`): the calls under way, itself included.
const test = suite('local: a fan-out keeps a bounded window of calls under way')
const tmp = tempDir('fanout-window')
test.after(tmp.cleanup)

const N = 300
const count = shell({
  name: 'count',
  inputs: { i: param(t.number) },
  outputs: { i: param(t.number), underWay: param(t.number), done: param(t.string) },
  script: ({ i }, o) =>
    sh`folders=$(ls ../.. | wc -l); finished=$(ls ../../*/outputs/parameters/done 2>/dev/null | wc -l); echo $((folders - finished)) > ${o.underWay}; echo ${i} > ${o.i}; echo ok > ${o.done}`,
})

for (const [label, body] of [
  ['a step fanned out', () => forEach(Array.from({ length: N }, (_, i) => i), (i) => step('c', count, { i }))],
  ['a composite forEach', () => forEach(Array.from({ length: N }, (_, i) => i), (i) => seq(step('c', count, { i })), { name: 'loop' })],
  ['a par of steps', () => par(...Array.from({ length: N }, (_, i) => step(`c${i}`, count, { i })))],
] as const)
  test(`${label}: ${N} calls at parallelism 2 keep at most 16 under way, and every call runs once`, async () => {
    const r = await local({ runsDir: tmp.path, parallelism: 2 }).run(workflow('window', body()))
    assert.is(r.status, 'Succeeded', r.message)
    const calls = r.steps({ type: 'Pod' })
    assert.is(calls.length, N)
    assert.equal(calls.map((c) => c.outputs.i as number).sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i))
    const most = Math.max(...calls.map((c) => c.outputs.underWay as number))
    assert.ok(most >= 2, `at most ${most} under way: the calls did not overlap`)
    assert.ok(most <= 16, `${most} calls were under way at once`)
  })

test.run()
