import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { key, param, seq, shell, sh, slice, step, t, validate, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import shellExploration, { expectedSelection } from '../../examples/slices/shell-exploration.ts'
import { barrier, oneAtATime, prefixed, pyUpper, shDouble, writeBase } from '../helpers/slice-scripts.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: grouped slices of shell and script templates')
const tmp = tempDir('slice-group-script')
test.after(tmp.cleanup)
const runsDir = tmp.path

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id, 'en', { numeric: true })

/** Values the shell would change if they went through its parser: quotes, expansions, a newline, non-ASCII. */
const tags = ['a b', '"q"', "it's", '$(echo no)', 'é\n', '`x` \\ *']

const doubled = (g: number | undefined, pool?: number) =>
  workflow(`sh-double-${g ?? 'none'}-${pool ?? 1}`, () => {
    const d = slice({ x: [1, 2, 4, 5, 6, 7], tag: tags }, (s, i) => step('d', shDouble, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), g ? { groupSize: g, ...(pool ? { poolSize: pool } : {}) } : {})
    return d
  })

test('a grouped shell template stacks the same outputs as ungrouped, for every group size and pool; values reach the script unchanged', async () => {
  const want = { y: [2, 4, 8, 10, 12, 14], said: tags.map((x) => `${x}|n|lit $x`) }
  for (const [g, pool] of [[undefined], [1], [2], [4, 3], [6, -1], [9]] as const) {
    const run = await local({ runsDir }).run(doubled(g, pool))
    assert.is(run.status, 'Succeeded', `${g}/${pool}: ${run.message}`)
    const { y, said } = run.step('d').outputs
    assert.equal({ y, said }, want, `${g}/${pool}`)
    if (g) {
      assert.is(run.steps({ name: /^d\(/ }).length, Math.ceil(6 / g))
      const slices = [...run.steps({ name: /^slice\(/ })].sort(byId)
      assert.equal(slices.map((s) => s.key), [0, 1, 2, 3, 4, 5].map((i) => `d-${i}`))
      assert.equal(slices.map((s) => s.record.parent), [0, 1, 2, 3, 4, 5].map((i) => `d(${Math.floor(i / g)})`))
      assert.equal(slices[4]!.inputs, { x: 6, tag: 'é\n' })
      assert.equal(slices[4]!.outputs.said, 'é\n|n|lit $x')
      // Slice i's artifact is entry i of its call's stack, its own file.
      const at = slices[3]!.record.outputs.artifacts['f']
      assert.is(at?.part, '3')
      assert.is(readFileSync(at!.path!, 'utf8'), 'file $(echo no)')
    }
    assert.is(run.steps({ key: 'd-5' }).length, 1)
  }
})

test('each slice of a group runs in its own folder dflow-slices/INDEX of the call, its outputs there', async () => {
  const run = await local({ runsDir }).run(doubled(3))
  assert.is(run.status, 'Succeeded', run.message)
  const call = run.step('d(1)')
  const workdir = join(call.record.outputs.artifacts['f']!.path!, '..', '..')
  assert.ok(existsSync(join(workdir, 'dflow-slices', '4', 'y.txt')))
  assert.is(readFileSync(join(workdir, 'dflow-slices', '5', 'out', 'said.txt'), 'utf8'), '`x` \\ *|n|lit $x')
  assert.not.ok(existsSync(join(workdir, 'dflow-slices', '1')), 'slice 1 ran in call d(0)')
})

test('a failing slice: its group fails once its other slices ran, naming the slice, its key and why; the other groups succeed', async () => {
  const wf = workflow('sh-fail-one', slice({ x: [1, 2, 3, 4], tag: ['a', 'b', 'c', 'd'] }, (s, i) => step('d', shDouble, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), { groupSize: 2 }))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Failed')
  assert.is(run.step('d(0)').phase, 'Succeeded')
  assert.is(run.step('d(1)').phase, 'Failed')
  assert.match(run.step('d(1)').log(), '1 of 2 slices failed: slice 2 (d-2): exit code 3: three is not allowed')
  // Slice 3 ran beside the failing one.
  const workdir = join(run.step('d(0)').record.outputs.artifacts['f']!.path!, '..', '..', '..', '..', 'd(1)', 'workdir')
  assert.is(readFileSync(join(workdir, 'dflow-slices', '3', 'y.txt'), 'utf8').trim(), '8')
  assert.equal(run.step('d').outputs.y, [2, 4])
  // Every slice has its record, the failed one Failed with why, under the call that ran it.
  const failed = run.step({ key: 'd-2' })
  assert.equal([failed.id, failed.phase, failed.record.parent, failed.record.message], ['d(1).slice(2)', 'Failed', 'd(1)', 'exit code 3: three is not allowed'])
  const beside = run.step({ key: 'd-3' })
  assert.equal([beside.phase, beside.outputs.y, beside.outputs.said], ['Succeeded', 8, 'd|n|lit $x'])
  assert.is(run.steps({ name: /^slice\(/ }).length, 4)
})

test('poolSize > 1 runs a group\'s slices at once: a barrier of k slices passes only if k run together; poolSize 1 runs them one by one', async () => {
  for (const [n, pool] of [[4, 4], [3, -1], [4, 2]] as const) {
    const dir = mkdtempSync(join(runsDir, 'barrier-'))
    const k = pool === -1 ? n : pool
    const wf = workflow(`barrier-${n}-${pool}`, slice({ i: Array.from({ length: n }, (_, i) => i) }, (s) => step('b', barrier, { i: s.i, k, dir }), { groupSize: n, poolSize: pool }))
    const run = await local({ runsDir }).run(wf)
    assert.is(run.status, 'Succeeded', `${n}/${pool}: ${run.message}`)
  }
  const dir = mkdtempSync(join(runsDir, 'one-'))
  const wf = workflow('one-at-a-time', slice({ i: [0, 1, 2, 3, 4] }, (s) => step('o', oneAtATime, { i: s.i, dir }), { groupSize: 5, poolSize: 1 }))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('o').outputs.most, [1, 1, 1, 1, 1])
})

test('a barrier of 2 with poolSize 1 fails: the slices really run one at a time', async () => {
  const dir = mkdtempSync(join(runsDir, 'serial-'))
  const quick = shell({ name: 'quick-barrier', inputs: { i: param(t.number), dir: param(t.string) }, outputs: {}, script: ({ i, dir }) => sh`touch ${dir}/started-${i}; sleep 0.3; [ "$(ls ${dir} | grep -c '^started')" -ge 2 ] || { echo alone >&2; exit 1; }` })
  const wf = workflow('serial', slice({ i: [0, 1] }, (s) => step('q', quick, { i: s.i, dir }), { groupSize: 2, poolSize: 1 }))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Failed')
  assert.match(run.step('q(0)').log(), 'slice 0: exit code 1: alone')
})

test('a Python script template grouped: each slice its word, the default input and the outputs per slice', async () => {
  const words = ['ab', 'ça', "q'\"", '']
  const wf = workflow('py-group', slice({ word: words }, (s) => step('u', pyUpper, { word: s.word }), { groupSize: 3, poolSize: 2 }))
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('u').outputs, { upper: ['AB!', 'ÇA!', 'Q\'"!', '!'], n: [2, 2, 3, 0] })
  assert.is(run.steps({ name: /^slice\(/ }).length, 4)
})

test('an input artifact that is not sliced: every slice of a group reads the same staged file from its own folder', async () => {
  const wf = workflow('sh-base', () => {
    const w = step('w', writeBase, { text: 'base' })
    return seq(w, slice({ word: ['a', 'b', 'c'] }, (s) => step('p', prefixed, { base: w.outputs.base, word: s.word }), { groupSize: 2, poolSize: 2 }))
  })
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('p').outputs.out, ['base-a', 'base-b', 'base-c'])
})

test('an empty list with groupSize makes no call; the consumer gets empty lists', async () => {
  const echo = shell({ name: 'echo-list', inputs: { ys: param(t.array(t.number)) }, outputs: { got: param(t.array(t.number), { path: 'got.json' }) }, script: ({ ys }) => sh`printf '%s' ${ys} > got.json` })
  const wf = workflow('sh-empty', () => {
    const d = slice({ x: [] as number[], tag: [] as string[] }, (s) => step('d', shDouble, { x: s.x, tag: s.tag }), { groupSize: 3, poolSize: 2 })
    return seq(d, step('c', echo, { ys: d.outputs.y }))
  })
  assert.equal(validate(wf), [])
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('d').phase, 'Skipped')
  assert.equal(run.step('c').outputs.got, [])
})

test('the shell exploration example: 200 configurations in 4 calls of 50, pool 4; 200 keyed slice records; select keeps the documented window', async () => {
  const run = await local({ runsDir }).run(shellExploration)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ name: /^explore\(/ }).map((s) => s.id).sort(), ['explore(0)', 'explore(1)', 'explore(2)', 'explore(3)'])
  const slices = run.steps({ name: /^slice\(/ })
  assert.is(slices.length, 200)
  assert.is(run.step({ key: 'explore-123' }).record.parent, 'explore(2)')
  assert.is((run.step('explore').outputs.dev as number[]).length, 200)
  assert.equal(run.step('select').outputs, { selected: expectedSelection(200), frames: 2000 })
  assert.match(run.step('select').log(), `${expectedSelection(200).length} of 200 configurations selected`)
})

test.run()
