import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { key, seq, slice, step, validate, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import groupSize from '../../examples/slices/group-size.ts'
import keyedSlices from '../../examples/slices/keyed-slices.ts'
import { concurrent, doubleBut3 } from '../helpers/slice-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: grouped and keyed slices')
const tmp = tempDir('slice-group')
test.after(tmp.cleanup)
const runsDir = tmp.path

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id, 'en', { numeric: true })

test('E12: 17 slices in groups of 10 make 2 calls of 10 and 7 slices; each slice has a record under its call; outputs stacked in slice order', async () => {
  const run = await local({ runsDir }).run(groupSize)
  assert.is(run.status, 'Succeeded', run.message)
  const calls = run.steps({ name: /^process\(/ })
  assert.equal(calls.map((c) => c.id).sort(), ['process(0)', 'process(1)'])
  const slices = [...run.steps({ name: /^slice\(/ })].sort(byId)
  assert.is(slices.length, 17)
  assert.equal(
    slices.map((s) => [s.record.parent, s.inputs.data]),
    Array.from({ length: 17 }, (_, i) => [i < 10 ? 'process(0)' : 'process(1)', i + 1]),
  )
  assert.equal(slices[16]!.outputs, { name: '17.txt', text: 'Hello' })
  assert.equal(run.step('process').outputs.name, Array.from({ length: 17 }, (_, i) => `${i + 1}.txt`))
  assert.is(run.step('count').outputs.n, 17)
  assert.is(run.step('count').log().trim(), '17')
})

test('E14 (first run): keyed slices have their keys; an empty list makes no call and its consumer gets []; grouped slices keep a key and a record each', async () => {
  const run = await local({ runsDir }).run(keyedSlices)
  assert.is(run.status, 'Succeeded', run.message)
  const keys = run
    .steps()
    .flatMap((s) => (s.key ? [s.key] : []))
    .sort()
  assert.equal(keys, ['hello-0-0', 'hello-0-1', 'hello-2-0', 'hello-2-1'])
  assert.is(run.step({ key: 'hello-0-1' }).outputs.foo, 'hello-0-1:f2.txt:foo')
  const keyed = run.step({ key: 'hello-2-1' })
  assert.is(keyed.record.parent, 'hello2(0)')
  assert.is(keyed.phase, 'Succeeded')
  assert.equal(keyed.outputs, { foo: 'hello-2-1:f2.txt:foo' })
  assert.is(run.step('hello1').phase, 'Skipped')
  assert.is(run.steps({ name: /^hello1\(/ }).length, 0)
  assert.equal(run.step('check0').outputs.path, ['hello-0-0:f1.txt:foo', 'hello-0-1:f2.txt:foo'])
  assert.equal(run.step('check1').outputs.path, [])
  assert.equal(run.step('check2').outputs.path, ['hello-2-0:f1.txt:foo', 'hello-2-1:f2.txt:foo'])
})

const pooled = (pool: number) =>
  workflow(`pool-${pool}`, slice({ x: [1, 2, 3, 4, 5, 6] }, (s) => step('c', concurrent, { x: s.x }), { groupSize: 6, poolSize: pool }))

test('poolSize: a group runs its slices k at a time (1: one by one; -1: all at once)', async () => {
  for (const [pool, most] of [
    [1, 1],
    [3, 3],
    [-1, 6],
  ] as const) {
    const run = await local({ runsDir }).run(pooled(pool))
    assert.is(run.status, 'Succeeded', run.message)
    assert.is(Math.max(...(run.step('c').outputs.most as number[])), most, `poolSize ${pool}`)
    assert.equal(run.step('c').outputs.y, [10, 20, 30, 40, 50, 60])
  }
})

test('grouped and ungrouped slices stack the same outputs, for every group size (1, 2, 4, more than the list)', async () => {
  const outs: unknown[] = []
  for (const g of [undefined, 1, 2, 4, 9]) {
    const wf = workflow(`same-${g ?? 'none'}`, slice({ x: [1, 2, 4, 5, 6], tag: ['a', 'b', 'c', 'd', 'e'] }, (s, i) => step('d', doubleBut3, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), g ? { groupSize: g } : {}))
    const run = await local({ runsDir }).run(wf)
    assert.is(run.status, 'Succeeded', run.message)
    outs.push(run.step('d').outputs)
    assert.is(run.steps({ key: 'd-4' }).length, 1)
    if (g) assert.is(run.steps({ name: /^d\(/ }).length, Math.ceil(5 / g))
  }
  assert.equal(outs[0], { y: [2, 4, 8, 10, 12], tagged: ['ad-0:1', 'bd-1:2', 'cd-2:4', 'dd-3:5', 'ed-4:6'] })
  for (const o of outs.slice(1)) assert.equal(o, outs[0])
})

test('a slice that fails fails its group, naming the slice and why, after the group ran its other slices', async () => {
  const wf = workflow('fail-one', slice({ x: [1, 2, 3, 4] }, (s, i) => step('d', doubleBut3, { x: s.x }, { key: key`d-${i}` }), { groupSize: 2 }))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Failed')
  assert.is(run.step('d(1)').phase, 'Failed')
  assert.match(run.step('d(1)').log(), 'slice 2 (d-2): three is not allowed')
  assert.match(run.step('d(1)').log(), '1 of 2 slices failed')
  assert.is(run.step('d(0)').phase, 'Succeeded')
  assert.equal(run.step('d').outputs.y, [2, 4])
  // Every slice has its record, the failed one Failed with why, the other slice of its group Succeeded.
  const failed = run.step({ key: 'd-2' })
  assert.equal([failed.id, failed.phase, failed.record.parent, failed.record.message], ['d(1).slice(2)', 'Failed', 'd(1)', 'three is not allowed'])
  assert.equal([run.step({ key: 'd-3' }).phase, run.step({ key: 'd-3' }).outputs.y], ['Succeeded', 8])
})

test('an empty list with groupSize makes no call; the consumer gets empty lists', async () => {
  const wf = workflow('empty-group', () => {
    const s = slice({ x: [] as number[] }, (x) => step('d', doubleBut3, { x: x.x }), { groupSize: 3, poolSize: 2 })
    return seq(s, step('c', concurrent, { x: 1 }))
  })
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('d').phase, 'Skipped')
  assert.equal(run.step('d').outputs.y, [])
})

test('two grouped slices of one OP in one workflow (different inputs sliced, pools and sizes): valid, and each runs its own way', async () => {
  const a = slice({ x: [1, 2] }, (s) => step('a', doubleBut3, { x: s.x }), { groupSize: 2 })
  const b = slice({ x: [4, 5], tag: ['p', 'q'] }, (s) => step('b', doubleBut3, { x: s.x, tag: s.tag }), { groupSize: 1, poolSize: 2 })
  const c = slice({ x: [6] }, (s) => step('c', doubleBut3, { x: s.x, tag: 'z' }), { groupSize: 3 })
  const wf = workflow('two-groupings', seq(a, b, c))
  assert.equal(validate(wf), [])
  assert.is(c.template, a.template, 'the same inputs sliced: one template')
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal([run.step('a').outputs.y, run.step('b').outputs.y, run.step('c').outputs.y], [[2, 4], [8, 10], [12]])
  assert.equal(run.step('b').outputs.tagged, ['pb(0):4', 'qb(1):5'])
  assert.equal(run.step('c').outputs.tagged, ['zc(0):6'])
})

test.run()
