import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, seq, sh, shell, slice, step, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import paramSlices from '../../examples/slices/param-slices.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: slice')
const tmp = tempDir('slice')
test.after(tmp.cleanup)

const pair = shell({
  name: 'pair',
  inputs: { a: param(t.string), n: param(t.number) },
  outputs: { joined: param(t.string, { path: 'out.txt' }), twice: param(t.number, { path: 'twice.txt' }) },
  script: ({ a, n }, out) => sh`printf '%s-%s' ${a} ${n} > ${out.joined}; echo $((${n} * 2)) > ${out.twice}`,
})
const lists = shell({
  name: 'lists',
  inputs: { as: param(t.string), ns: param(t.string) },
  outputs: { as: param(t.array(t.string), { path: 'as.json' }), ns: param(t.array(t.number), { path: 'ns.json' }) },
  script: ({ as, ns }, out) => sh`printf '%s' ${as} > ${out.as}; printf '%s' ${ns} > ${out.ns}`,
})
const show = shell({ name: 'show', inputs: { all: param(t.array(t.string)) }, script: ({ all }) => sh`printf '%s' ${all}` })

/** lists(as, ns) then pair sliced over both, then show reading the stacked `joined`. */
const fromLists = (as: string, ns: string) =>
  workflow('slice-refs', () => {
    const l = step('lists', lists, { as, ns })
    const s = slice({ a: l.outputs.as, n: l.outputs.ns }, (x) => step('pair', pair, { a: x.a, n: x.n }))
    return seq(l, s, step('show', show, { all: s.outputs.joined }))
  })

const runsDir = tmp.path

test('E10/E13 with parameters: one call per index, each with its own elements, keys per slice, outputs stacked in slice order', async () => {
  const run = await local({ runsDir }).run(paramSlices)
  assert.is(run.status, 'Succeeded', run.message)
  const calls = [...run.steps({ name: /^run\(/ })].sort((a, b) => a.id.localeCompare(b.id))
  assert.equal(calls.map((c) => [c.id, c.key]), [['run(0)', 'run-0'], ['run(1)', 'run-1'], ['run(2)', 'run-2']])
  assert.equal(run.step({ key: 'run-1' }).outputs.outcar, 'task.0001: This is poscar 1')
  const stacked = ['task.0000: This is poscar 0', 'task.0001: This is poscar 1', 'task.0002: This is poscar 2']
  assert.equal(run.step('run').outputs.outcar, stacked)
  assert.is(run.step('summary').log().trim(), JSON.stringify(stacked))
})

test('the width follows the lists: n = 5 gives 5 calls', async () => {
  const run = await local({ runsDir }).run(paramSlices, { parameters: { n: 5 } })
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.steps({ name: /^run\(/ }).length, 5)
})

test('literal lists are zipped element by element; typed outputs stack as lists of their type', async () => {
  const wf = workflow('slice-literal', slice({ a: ['x', 'y'], n: [1, 2] }, (s) => step('pair', pair, { a: s.a, n: s.n })))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('pair').outputs, { joined: ['x-1', 'y-2'], twice: [2, 4] })
})

test('lists from references, zipped at run time', async () => {
  const run = await local({ runsDir }).run(fromLists('["p","q","r"]', '[10,20,30]'))
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('pair').outputs.joined, ['p-10', 'q-20', 'r-30'])
  assert.is(run.step('show').log(), '["p-10","q-20","r-30"]')
})

test('an empty list makes no call: the slice is Skipped and its consumers get empty lists', async () => {
  const run = await local({ runsDir }).run(fromLists('[]', '[]'))
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('pair').phase, 'Skipped')
  assert.is(run.steps({ name: /^pair\(/ }).length, 0)
  assert.is(run.step('show').log(), '[]')
})

test('lists of different lengths at run time: the slice errors, naming each length', async () => {
  const run = await local({ runsDir }).run(fromLists('["p","q"]', '[1,2,3]'))
  assert.is(run.status, 'Failed')
  assert.is(run.step('pair').phase, 'Error')
  assert.match(run.step('pair').message ?? '', 'the sliced lists have different lengths (a: 2, n: 3)')
})

test('a reference that holds no list at run time (declared untyped): the slice errors, saying what it held', async () => {
  const text = shell({ name: 'text', outputs: { s: param(t.unknown, { path: 's.txt' }) }, script: (_, out) => sh`printf '{"a": 1}' > ${out.s}` })
  const wf = workflow('slice-not-list', () => {
    const g = step('text', text)
    return seq(g, slice({ a: g.outputs.s as never, n: [1] }, (x) => step('pair', pair, { a: x.a as never, n: x.n })))
  })
  const run = await local({ runsDir }).run(wf)
  assert.is(run.step('pair').phase, 'Error')
  assert.match(run.step('pair').message ?? '', 'slice of "a" (s): expected a JSON list, got "{\\"a\\": 1}"')
})

test.run()
