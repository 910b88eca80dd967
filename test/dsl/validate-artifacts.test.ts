/**
 * Validation of the artifact features: workflow-level artifact inputs (`workflow(…, { artifacts })`), fan-in
 * of a fan-out's artifact into an `artifactList()` input, archive settings — and the refusal of a feature
 * the interpreter does not list in `supports` (the local interpreter lists none yet).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ALL_FEATURES, artifact, artifactList, expr, forEach, param, seq, sh, shell, step, subflow, t, validate, workflow } from 'dflow-ts'
import { assertProblems, problemsOf } from './fixtures.ts'

const all = { supports: ALL_FEATURES }
const wc = shell({ name: 'wc', inputs: { file: artifact() }, outputs: { n: param(t.number, { path: 'n' }) }, script: ({ file }, o) => sh`wc -l < ${file} > ${o.n}` })
const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt` })
const catAll = shell({ name: 'cat-all', inputs: { fs: artifactList() }, script: ({ fs }) => sh`cat ${fs}/*` })
const catOne = shell({ name: 'cat-one', inputs: { f: artifact() }, script: ({ f }) => sh`cat ${f}` })

test('workflow artifacts are typed references of kind workflow, given to the body beside the parameters', () => {
  const wf = workflow('count', ({ data, label }) => step('wc', wc, { file: data }, { when: expr`${label} == "x"` }), {
    parameters: { label: param(t.string, { default: 'x' }) },
    artifacts: { data: artifact() },
  })
  const arg = (wf.body as { args: Record<string, unknown> }).args['file']
  assert.equal(arg, { _tag: 'ArtifactRef', source: { kind: 'workflow' }, name: 'data' })
  assert.equal(Object.keys(wf.artifacts ?? {}), ['data'])
  assert.equal(problemsOf(wf, all), [])
  // a workflow without artifacts carries no artifacts field (its value is unchanged)
  assert.not.ok('artifacts' in workflow('plain', step('a', mk, { n: '1' })))
})

test('an interpreter that does not list workflow-artifacts refuses them, naming the field and what to do', () => {
  const wf = workflow('count', ({ data }) => step('wc', wc, { file: data }), { artifacts: { data: artifact() } })
  const [p, ...rest] = validate(wf)
  assert.equal(rest, [])
  assert.equal(p!.path, ['count', 'artifacts'])
  assert.match(p!.message, 'workflow artifacts are not supported by this interpreter yet')
  assert.match(p!.hint ?? '', 'localArtifact')
})

test('workflow artifacts: a name shared with a parameter, a path, a bad name, an unknown one, read inside a sub-workflow, a script or the exit handler', () => {
  const any = (v: unknown): any => v
  const stray = workflow('x', step('wc', wc, { file: any({ _tag: 'ArtifactRef', source: { kind: 'workflow' }, name: 'nope' }) }))
  assert.equal(problemsOf(stray, all).length, 1)
  const sub = subflow({ name: 'sub', body: () => step('inner', wc, { file: any({ _tag: 'ArtifactRef', source: { kind: 'workflow' }, name: 'data' }) }) })
  const hole = shell({ name: 'hole', script: () => sh`cat ${any({ _tag: 'ArtifactRef', source: { kind: 'workflow' }, name: 'data' })}` })
  const wf = workflow('w', ({ data }) => seq(step('wc', wc, { file: data }), step('s', sub), step('h', hole)), {
    parameters: { same: param(t.string, { default: '' }) },
    artifacts: { data: artifact(), same: artifact(), 'bad.name': artifact(), placed: artifact({ path: 'p.txt' }) },
    onExit: step('bye', wc, { file: any({ _tag: 'ArtifactRef', source: { kind: 'workflow' }, name: 'data' }) }),
  })
  assertProblems(problemsOf(wf, all), [
    /^w\.artifacts\.bad\.name: artifact name "bad\.name" must match/,
    /^w\.artifacts\.same: "same" is both a workflow parameter and a workflow artifact/,
    /^w\.artifacts\.placed: a workflow artifact has no path/,
    /^templates\.sub\.inner\.args\.file: workflow artifact "data" is read inside template "sub"/,
    /^templates\.hole\.script\.hole 0: a script cannot read workflow artifact "data" directly/,
    /^w\.onExit\.bye\.args\.file: workflow artifact "data" is read in the exit handler/,
  ])
  assert.match(problemsOf(stray, all)[0]!, /^x\.wc\.args\.file: no workflow artifact "nope"/)
})

test("a fan-out's artifact into a plain artifact input stays refused, the hint naming artifactList()", () => {
  const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))
  const [p, ...rest] = validate(workflow('fan-art', seq(fan, step('use', catOne, { f: fan.outputs.f }))), all)
  assert.equal(rest, [])
  assert.equal(p!.path, ['fan-art', 'use', 'args', 'f'])
  assert.match(p!.message, 'artifact "f" of fan-out "mk" has no single value')
  assert.match(p!.hint ?? '', 'artifactList()')
})

test("a fan-out's artifact into an artifactList() input is a fan-in: valid where supported, refused with a clear problem elsewhere", () => {
  const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))
  const wf = workflow('fan-in', seq(fan, step('join', catAll, { fs: fan.outputs.f })))
  assert.equal(problemsOf(wf, all), [])
  const [p, ...rest] = validate(wf)
  assert.equal(rest, [])
  assert.equal(p!.path, ['fan-in', 'join', 'args', 'fs'])
  assert.match(p!.message, 'fan-in of artifact "f" of fan-out "mk" is not supported by this interpreter yet')
  assert.ok((p!.hint ?? '').length > 10)
  // exposing a fan-out's artifact from a sub-workflow stays refused (its output is a plain artifact)
  const sub = subflow({ name: 'sub', body: () => ({ run: fan, outputs: { f: fan.outputs.f } }) })
  assert.match(validate(workflow('fan-sub', step('s', sub)), all).map((x) => x.message).join('\n'), 'has no single value')
})

test('archive settings: on an input, or a compression level gzip does not have, are problems', () => {
  const bad = shell({
    name: 'bad',
    inputs: { i: artifact({ archive: 'none' }) },
    outputs: { o: artifact({ path: 'o', archive: { tar: { compressionLevel: 12 } } }), ok: artifact({ path: 'k', archive: 'none' }) },
    script: () => sh`true`,
  })
  assertProblems(problemsOf(workflow('w', step('b', bad, { i: { _tag: 'LocalArtifact', path: 'x' } })), all), [
    /^templates\.bad\.inputs\.i\.archive: an input artifact has no archive/,
    /^templates\.bad\.outputs\.o\.archive: compression level 12 is not one of gzip's/,
  ])
})

test.run()
