/**
 * `slice` as a value: what it builds, its build-time errors, and its types (each `@ts-expect-error` must stay
 * an error, or `tsc`, run by `npm test` first, fails).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GROUP_INPUT, SLICING_INPUT, SLICES_REPORT, fn, stdout, subflow, forEach, groupingData, key, param, seq, sh, shell, slice, step, t, workflow, type ParamRef } from 'dflow-ts'
import { expectOneProblem } from './expect-error.ts'
import { ALL_FEATURES, artifact as artifactSpec, artifactList, par, type ArtifactRef, type IoSpec } from 'dflow-ts'
import { problemsOf } from './fixtures.ts'

const one = shell({
  name: 'one',
  inputs: { f: param(t.string), n: param(t.number) },
  outputs: { size: param(t.number, { path: 'size.txt' }) },
  script: ({ f, n }, out) => sh`printf '%s' ${f} | wc -c > ${out.size}; echo ${n} >/dev/null`,
})
const gen = shell({ name: 'gen', outputs: { files: param(t.array(t.string), { path: 'f.json' }), ns: param(t.array(t.number), { path: 'n.json' }) }, script: () => sh`echo '["a"]' > f.json; echo '[1]' > n.json` })

test('a slice is a fan-out over its lists zipped: a Zip source, the body reading item fields', () => {
  const g = step('gen', gen)
  const s = slice({ f: g.outputs.files, n: [1] }, (x) => step('one', one, { f: x.f, n: x.n }))
  assert.is(s.forEach?._tag, 'Zip')
  const args = s.args as Record<string, ParamRef<unknown>>
  assert.equal(args['f']!.source, { kind: 'item', path: ['f'], loop: 'one' })
  assert.equal(problemsOf(workflow('wf', seq(g, s))), [])
})

test('types: the body gets element types, the outputs are stacked lists', () => {
  const g = step('gen', gen)
  const s = slice({ f: g.outputs.files, n: g.outputs.ns }, (x, i) => {
    const f: ParamRef<string> = x.f
    const n: ParamRef<number> = x.n
    const idx: ParamRef<number> = i
    void idx
    return step('one', one, { f, n })
  })
  const sizes: ParamRef<number[]> = s.outputs.size
  void sizes
  // @ts-expect-error a number element into a string input
  slice({ n: g.outputs.ns }, (x) => step('one', one, { f: x.n, n: 1 }))
  // @ts-expect-error a stacked output is a list, not one number
  const notOne: ParamRef<number> = s.outputs.size
  void notOne
  // @ts-expect-error a stacked list into a number input
  step('use', one, { f: 'a', n: s.outputs.size })
  // @ts-expect-error a forEach's outputs are lists too: not one number
  step('use', one, { f: 'a', n: forEach([1, 2], (n) => step('one', one, { f: 'a', n })).outputs.size })
  // and, past the types, it is an error when built
  assert.throws(
    () =>
      // @ts-expect-error a parameter that is not a list cannot be sliced
      slice({ f: step('o', one, { f: 'x', n: 1 }).outputs.size }, (x) => step('one', one, { f: 'a', n: x.f })),
    /holds number, not a list/,
  )
})

test('literal lists of different lengths are an error when built, naming each length', () => {
  expectOneProblem(() => slice({ f: ['a', 'b'], n: [1, 2, 3] }, (x) => step('one', one, { f: x.f, n: x.n })), ['slice'], /different lengths \(f: 2, n: 3\)/)
})

test('no list, a bad name, a value that is no list, a literal holding a reference: errors with paths and hints', () => {
  expectOneProblem(() => slice({}, () => step('one', one, { f: 'a', n: 1 })), ['slice'], /at least one list/)
  expectOneProblem(() => slice({ _f: ['a'] }, (x) => step('one', one, { f: x._f, n: 1 })), ['slice', '_f'], /cannot name a sliced list/)
  expectOneProblem(() => slice({ f: 'abc' as never }, () => step('one', one, { f: 'a', n: 1 })), ['slice', 'f'], /neither a list nor a reference/)
  const g = step('gen', gen)
  expectOneProblem(() => slice({ f: [g.outputs.files] as never }, () => step('one', one, { f: 'a', n: 1 })), ['slice', 'f', '0'], /cannot hold references/)
})

test('a slice reading a step that does not run before it is a validation error, with the slice path', () => {
  const g = step('gen', gen)
  const wf = workflow('wf', slice({ f: g.outputs.files }, (x) => step('one', one, { f: x.f, n: 1 })))
  const problems = problemsOf(wf)
  assert.ok(problems.some((p) => p.startsWith('wf.one.slice.f: ')), JSON.stringify(problems))
})

const op = fn({ name: 'op', module: import.meta.url, inputs: { f: param(t.string), n: param(t.number) }, outputs: { size: param(t.number) } }, ({ f }) => ({ size: f.length }))

test('groupSize: one step of a grouped template, given the group item in place of the sliced inputs; the outputs keep their stacked types', () => {
  const g = step('gen', gen)
  const s = slice({ f: g.outputs.files }, (x, i) => step('op', op, { f: x.f, n: 2 }, { key: key`op-${i}` }), { groupSize: 10, poolSize: 4 })
  assert.equal(s.forEach, { _tag: 'Zip', lists: { f: g.outputs.files }, group: { size: 10, pool: 4 } })
  assert.is(s.template.name, 'op-slices-f')
  assert.equal(Object.keys(s.args).sort(), [GROUP_INPUT, SLICING_INPUT, 'n'])
  assert.equal(groupingData(s.args[SLICING_INPUT] as string), { template: 'op', pool: 4, sliced: { f: 'f' }, key: ['op-', { field: '_index' }] })
  assert.is(s.key, undefined)
  const sizes: ParamRef<number[]> = s.outputs.size
  void sizes
  // @ts-expect-error grouped or not, a stacked output is a list
  const one: ParamRef<number> = s.outputs.size
  void one
  // @ts-expect-error the options take a group size, not a count of calls
  slice({ f: ['a'] }, (x) => step('op', op, { f: x.f, n: 1 }), { groups: 2 })
  assert.equal(problemsOf(workflow('wf', seq(g, s))), [])
})

test('bad grouping: a size below 1 or not an integer, a pool of 0, a pool without a size — errors with paths and hints', () => {
  const body = (x: { f: ParamRef<string> }) => step('op', op, { f: x.f, n: 1 })
  expectOneProblem(() => slice({ f: ['a'] }, body, { groupSize: 0 }), ['slice', 'groupSize'], /at least 1, got 0/)
  expectOneProblem(() => slice({ f: ['a'] }, body, { groupSize: 2.5 }), ['slice', 'groupSize'], /integer of at least 1, got 2.5/)
  expectOneProblem(() => slice({ f: ['a'] }, body, { groupSize: 2, poolSize: 0 }), ['slice', 'poolSize'], /at least 1, or -1/)
  expectOneProblem(() => slice({ f: ['a'] }, body, { poolSize: 2 }), ['slice', 'poolSize'], /needs groupSize/)
})

test('what groupSize cannot group: a sub-workflow, a threshold, a key reading anything but the slice', () => {
  const sub = subflow({ name: 'sub', inputs: { f: param(t.string) }, body: ({ f }) => step('op', op, { f, n: 1 }) })
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('sub', sub, { f: x.f }), { groupSize: 2 }), ['slice', 'groupSize'], /"sub" is a sub-workflow/)
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('op', op, { f: x.f, n: 1 }), { groupSize: 2, continueOnNumSuccess: 1 }), ['slice', 'groupSize'], /a success threshold counts calls/)
  const g = step('gen', gen)
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('op', op, { f: x.f, n: 1 }, { key: key`op-${g.outputs.files}` }), { groupSize: 2 }), ['slice', 'key'], /only the slice's own elements and index, not "files"/)
})

test('a grouped script template: a shell wrapper with the group and the slicing as inputs, outputs stacked as lists, its artifacts one folder each, and a report', () => {
  const s = slice({ f: ['a', 'b'] }, (x) => step('one', one, { f: x.f, n: 1 }), { groupSize: 2, poolSize: 2 })
  assert.is(s.template.name, 'one-slices-f')
  assert.is(s.template._tag, 'ScriptTemplate')
  assert.equal(Object.keys(s.template.inputs).sort(), [GROUP_INPUT, SLICING_INPUT, 'n'].sort())
  assert.ok(SLICES_REPORT in s.template.outputs)
  assert.equal(groupingData(s.args[SLICING_INPUT] as string), { template: 'one', pool: 2, sliced: { f: 'f' } })
  assert.is(slice({ f: ['c'] }, (x) => step('one2', one, { f: x.f, n: 2 }), { groupSize: 1 }).template, s.template, 'the same inputs sliced: one template')
})

test('what a grouped script template cannot collect per slice: a stdout() output, a big parameter, an absolute output path', () => {
  const printed = shell({ name: 'printed', inputs: { f: param(t.string) }, outputs: { out: stdout(t.string) }, script: ({ f }) => sh`echo ${f}` })
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('p', printed, { f: x.f }), { groupSize: 2 }), ['slice', 'groupSize', 'printed', 'outputs', 'out'], /the script's stdout/)
  const abs = shell({ name: 'abs', inputs: { f: param(t.string) }, outputs: { out: param(t.string, { path: '/tmp/out.txt' }) }, script: ({ f }) => sh`echo ${f} > /tmp/out.txt` })
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('a', abs, { f: x.f }), { groupSize: 2 }), ['slice', 'groupSize', 'abs', 'outputs', 'out'], /absolute path \/tmp\/out.txt/)
  const big = shell({ name: 'big', inputs: { f: param(t.string) }, outputs: { out: param(t.string, { path: 'o', big: true }) }, script: ({ f }) => sh`echo ${f} > o` })
  expectOneProblem(() => slice({ f: ['a'] }, (x) => step('b', big, { f: x.f }), { groupSize: 2 }), ['slice', 'groupSize', 'big', 'outputs', 'out'], /big parameter/)
})

test('a grouped slice may return an output artifact: its calls leave a folder of their slices\' artifacts (entry i slice i\'s), stacked as an ungrouped slice\'s', () => {
  const art = fn({ name: 'art', module: import.meta.url, inputs: { f: param(t.string) }, outputs: { out: artifactList(), n: param(t.number) } }, () => ({ out: [], n: 1 }))
  const s = slice({ f: ['a', 'b'] }, (x) => step('art', art, { f: x.f }), { groupSize: 2 })
  const out = (s.template.outputs as IoSpec)['out']
  assert.equal([out?._tag, out?._tag === 'Artifact' ? out.shape : 'none'], ['Artifact', undefined], 'a group\'s artifact is one folder')
  assert.is(s.outputs.out._tag, 'ArtifactRef')
})

test('a sliced reference that holds no list is an error when built, naming what it holds', () => {
  const o = step('o', op, { f: 'x', n: 1 })
  expectOneProblem(() => slice({ f: o.outputs.size as never }, () => step('op', op, { f: 'a', n: 1 })), ['slice', 'f'], /\(size\) holds number, not a list/)
})

const mkList = (archive?: 'none' | 'tar') =>
  fn({ name: `mk-${archive ?? 'default'}`, module: import.meta.url, outputs: { foo: artifactList(archive ? { archive } : {}) } }, () => ({ foo: [] }))
const readOne = fn({ name: 'read-one', module: import.meta.url, inputs: { foo: artifactSpec(), n: param(t.number) }, outputs: { text: param(t.string) } }, () => ({ text: '' }))

test('a sliced list artifact: the body gets an artifact reference to its part (the item field), typed as an artifact', () => {
  const m = step('mk', mkList('none'))
  const s = slice({ foo: m.outputs.foo, n: [1, 2] }, (x) => {
    const part: ArtifactRef = x.foo
    // @ts-expect-error a part of a list artifact is an artifact, not a parameter
    const wrong: ParamRef<string> = x.foo
    void wrong
    return step('read', readOne, { foo: part, n: x.n })
  })
  assert.equal(s.forEach, { _tag: 'Zip', lists: { foo: m.outputs.foo, n: [1, 2] } })
  const part = s.args['foo'] as ArtifactRef
  assert.equal(part, { _tag: 'ArtifactRef', source: { kind: 'item', path: ['foo'], loop: 'read' }, name: 'foo', list: m.outputs.foo })
  assert.equal(problemsOf(workflow('wf', seq(m, s)), { supports: ALL_FEATURES }), [])
  // An interpreter that does not slice artifacts refuses it, naming the slice.
  assert.equal(problemsOf(workflow('wf', seq(m, s))), ['wf.read.slice.foo: a slice of list artifact "foo" is not supported by this interpreter yet'])
})

test('an archived list artifact cannot be sliced (each call stages only its part): a validation error naming the archive field', () => {
  for (const archive of ['tar', undefined] as const) {
    const m = step('mk', mkList(archive))
    const wf = workflow('wf', seq(m, slice({ foo: m.outputs.foo }, (x) => step('read', readOne, { foo: x.foo, n: 1 }))))
    const problems = problemsOf(wf, { supports: ALL_FEATURES })
    assert.equal(problems.length, 1, JSON.stringify(problems))
    assert.match(problems[0]!, /^wf\.read\.slice\.foo\.archive: "foo" of step "mk" is archived/)
  }
})

test('a sliced list artifact in groups: the call is given the whole list artifact, the group item its parts; a composite body cannot take its parts', () => {
  const m = step('mk', mkList('none'))
  const readSh = shell({ name: 'read-sh', inputs: { foo: artifactSpec(), n: param(t.number) }, script: ({ foo }) => sh`cat ${foo}` })
  for (const s of [slice({ foo: m.outputs.foo }, (x) => step('read', readOne, { foo: x.foo, n: 1 }), { groupSize: 2 }), slice({ foo: m.outputs.foo }, (x) => step('read', readSh, { foo: x.foo, n: 1 }), { groupSize: 2, poolSize: 2 })]) {
    assert.is(s.args['foo'], m.outputs.foo, 'the whole list artifact')
    assert.equal((s.template.inputs as Record<string, { _tag: string; shape?: string }>)['foo'], { ...(s.template.inputs as Record<string, object>)['foo'], _tag: 'Artifact', shape: 'list' })
    assert.equal(JSON.parse(s.args['dflow_slicing'] as string).sliced, { foo: 'foo' })
    assert.equal(problemsOf(workflow('wf', seq(m, s)), { supports: ALL_FEATURES }), [])
  }
  expectOneProblem(
    () => slice({ foo: m.outputs.foo }, (x) => par(step('a', readOne, { foo: x.foo, n: 1 }), step('b', readOne, { foo: x.foo, n: 2 })), { name: 'both' }),
    ['slice', 'foo'],
    /go to one step/,
  )
})

test.run()
