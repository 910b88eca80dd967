import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { SLICING_INPUT, artifact, artifactList, forEach, key, param, seq, slice, step, t, fn, workflow } from 'dflow-ts'
import groupSize from '../../examples/slices/group-size.ts'
import keyedSlices from '../../examples/slices/keyed-slices.ts'
import exploration from '../../examples/slices/exploration.ts'
import paramSlices from '../../examples/slices/param-slices.ts'
import artifactSlices, { hello } from '../../examples/slices/artifact-slices.ts'
import subpathSlices, { prepare } from '../../examples/slices/subpath-slices.ts'
import makevasp from '../../examples/slices/makevasp.ts'
import groupArtifacts from '../../examples/slices/group-artifacts.ts'
import groupSubpath from '../../examples/slices/group-subpath.ts'
import { importWorkflow, toYaml } from 'dflow-ts/argo'
import { sliceParts } from '../../lib/argo/slice-init.ts'
import { local } from 'dflow-ts/local'
import { folder, listEntries, mkNone, writeNamed } from '../helpers/slice-ops.ts'
import { doubleBut3 } from '../helpers/slice-ops.ts'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import { runPod } from './support/pod.ts'

const names = fn({ name: 'names', module: import.meta.url, outputs: { files: param(t.array(t.string)), ns: param(t.array(t.number)) } }, () => ({ files: ['a'], ns: [1] }))
const helloArt = fn({ name: 'hello-art', module: import.meta.url, inputs: { filename: param(t.string) }, outputs: { foo: artifact() } }, ({ filename }) => ({ foo: filename }))
const checkArt = fn({ name: 'check-art', module: import.meta.url, inputs: { foo: artifactList() } }, () => ({}))

const repo = { s3: { endpoint: 'minio.argo:9000', bucket: 'art', insecure: true, accessKeySecret: { name: 'cred', key: 'accesskey' }, secretKeySecret: { name: 'cred', key: 'secretkey' } } } as const

const test = suite('argo: slices')
const tmp = tempDir('argo-slice')
test.after(tmp.cleanup)

type Call = { name: string; template: string; withItems?: unknown[]; withParam?: string; arguments?: { parameters?: { name: string; value: string }[] } }
const callsOf = (m: ReturnType<typeof compileChecked>): Call[] => (m.spec.templates.flatMap((t) => (t.steps ?? []).flat()) as unknown as Call[])
const call = (m: ReturnType<typeof compileChecked>, name: string): Call => {
  const c = callsOf(m).find((x) => x.name === name)
  assert.ok(c, `no call ${name}`)
  return c
}
const arg = (c: Call, name: string) => c.arguments?.parameters?.find((p) => p.name === name)?.value

test('an ungrouped slice of references: withParam zipping the lists at run time, one item per index', () => {
  const m = compileChecked(paramSlices)
  const c = call(m, 'run')
  assert.match(c.withParam ?? '', "let l0 = jsonpath(steps['prepare'].outputs.parameters.tasks, '$'); let l1 = jsonpath(steps['prepare'].outputs.parameters['poscars'], '$'); toJson(map(0..(len(l0) - 1), { {'_index': #, 'task': l0[#], 'poscar': l1[#]} }))")
  assert.is(arg(c, 'task'), '{{item.task}}')
})

test('a grouped slice of literal lists: withItems of the groups, each with its indices and its elements; the call passes the group and how it slices', () => {
  const wf = workflow('grouped-literal', slice({ x: [1, 2, 4, 5, 6], tag: ['a', 'b', 'c', 'd', 'e'] }, (s, i) => step('d', doubleBut3, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), { groupSize: 2, poolSize: 2 }))
  const m = compileChecked(wf)
  const c = call(m, 'd')
  assert.is(c.template, 'double-but-3-slices-tag-x')
  assert.equal(c.withItems, [
    { _index: 0, _slices: [0, 1], x: [1, 2], tag: ['a', 'b'] },
    { _index: 1, _slices: [2, 3], x: [4, 5], tag: ['c', 'd'] },
    { _index: 2, _slices: [4], x: [6], tag: ['e'] },
  ])
  assert.is(arg(c, 'dflow_group'), '{{item}}')
  assert.equal(JSON.parse(arg(c, SLICING_INPUT)!), { template: 'double-but-3', pool: 2, sliced: { x: 'x', tag: 'tag' }, key: ['d-', { field: '_index' }] })
})

test("E12 on Argo: the groups of a step output's list by an expression; the consumer reads the groups' lists flattened", () => {
  const m = compileChecked(groupSize)
  const c = call(m, 'process')
  assert.match(c.withParam ?? '', "let n = len(l0); toJson(map(0..(int((n + 9) / 10) - 1), { {'_index': #, '_slices': (# * 10)..((# * 10 + 10 < n ? # * 10 + 10 : n) - 1), 'data': map((# * 10)..((# * 10 + 10 < n ? # * 10 + 10 : n) - 1), l0[#])} }))")
  assert.is(arg(call(m, 'count'), 'names'), "{{=toJson(flatten(jsonpath(steps['process'].outputs.parameters['name'], '$')))}}")
})

test("in the pod, a grouped call runs its group's slices and writes the stacked outputs and the slices' report where Argo reads them", () => {
  const m = compileChecked(groupSize)
  const t = templateNamed(m, 'process-slices-data')
  const group = { _index: 1, _slices: [10, 11, 12], data: [11, 12, 13] }
  const r = runPod(t, { 'inputs.parameters.dflow_group': JSON.stringify(group), [`inputs.parameters.${SLICING_INPUT}`]: arg(call(m, 'process'), SLICING_INPUT)! }, tmp.path)
  assert.is(r.status, 0, r.stderr)
  const out = (name: string) => readFileSync(t.outputs!.parameters!.find((p) => p.name === name)!.valueFrom!.path!, 'utf8')
  assert.equal(JSON.parse(out('name')), ['11.txt', '12.txt', '13.txt'])
  assert.equal(
    (JSON.parse(out('dflow_slices')) as { index: number; phase: string }[]).map((s) => [s.index, s.phase]),
    [
      [10, 'Succeeded'],
      [11, 'Succeeded'],
      [12, 'Succeeded'],
    ],
  )
  void join
})

test('E14 and the exploration compile to valid manifests: an empty literal slice loops over an empty withParam (an empty withItems is no loop to Argo: it would run once); groups of 50 by an expression', () => {
  const k = compileChecked(keyedSlices)
  assert.is(call(k, 'hello1').withItems, undefined)
  assert.is(call(k, 'hello1').withParam, '[]')
  const forEachEmpty = compileChecked(workflow('empty-foreach', forEach([] as number[], (x) => step('d', doubleBut3, { x }))))
  assert.is(call(forEachEmpty, 'd').withParam, '[]')
  assert.equal(call(k, 'hello2').withItems, [{ _index: 0, _slices: [0, 1], filename: ['f1.txt', 'f2.txt'] }])
  const e = compileChecked(exploration)
  assert.match(call(e, 'explore').withParam ?? '', 'int((n + 49) / 50)')
  assert.match(arg(call(e, 'select'), 'trajectories') ?? '', 'flatten(')
})

test('E10 on Argo: a slice whose output artifact is gathered — each call enumerated (its index and its elements), writing under the fan-in prefix; check reads the prefix', () => {
  const m = compileChecked(artifactSlices, { artifactRepository: repo })
  const c = call(m, 'hello')
  assert.equal(c.withItems, [
    { 'dflow-index': '0', 'dflow-item': '{"_index":0,"filename":"f1.txt"}', filename: 'f1.txt' },
    { 'dflow-index': '1', 'dflow-item': '{"_index":1,"filename":"f2.txt"}', filename: 'f2.txt' },
  ])
  assert.is(arg(c, 'filename'), '{{item.filename}}')
  const refs = compileChecked(
    workflow('zip-refs', () => {
      const g = step('names', names)
      const h = slice({ filename: g.outputs.files, n: g.outputs.ns }, (s) => step('hello', helloArt, { filename: s.filename }))
      return seq(g, h, step('check', checkArt, { foo: h.outputs.foo }))
    }),
    { artifactRepository: repo },
  )
  assert.match(call(refs, 'hello').withParam ?? '', "toJson(map(0..(len(l0) - 1), { {'dflow-index': string(#), 'dflow-item': toJson({ '_index': #, 'filename': l0[#], 'n': l1[#] }), 'filename': l0[#]} }))")
})

test('grouped slices with an output artifact on Argo: one pod per group, writing its entries (by slice index) under the fan-in prefix, the consumer reads the prefix; in the pod, entry i is slice i\'s artifact', () => {
  const wf = workflow('grouped-artifacts', () => {
    const w = slice({ filename: ['a.txt', 'b.txt', 'c.txt'] }, (s) => step('w', writeNamed, { filename: s.filename }), { groupSize: 2 })
    return seq(w, step('l', listEntries, { foo: w.outputs.foo }))
  })
  const m = compileChecked(wf, { artifactRepository: repo })
  const c = call(m, 'w')
  assert.is(c.template, 'write-named-slices-filename')
  assert.equal(c.withItems, [
    { _index: 0, _slices: [0, 1], filename: ['a.txt', 'b.txt'] },
    { _index: 1, _slices: [2], filename: ['c.txt'] },
  ])
  assert.is(arg(c, 'dflow_group'), '{{item}}')
  assert.is(arg(c, 'dflow-fan-in'), '{{workflow.name}}/dflow-fan-in/grouped-artifacts/w')
  assert.is(arg(c, 'dflow-index'), undefined, 'a group writes its entries by slice index: no call index')
  const t = templateNamed(m, 'write-named-slices-filename') as unknown as { outputs: { artifacts: { name: string; path: string; archive?: unknown; s3?: { key: string } }[] } }
  const foo = t.outputs.artifacts.find((a) => a.name === 'foo')!
  assert.equal(foo.archive, { none: {} })
  assert.is(foo.s3?.key, '{{inputs.parameters.dflow-fan-in}}/foo')
  const l = call(m, 'l') as ArtCall
  assert.equal(l.arguments?.artifacts?.map((a) => a.name), ['foo'])
  // The second group's pod: its artifact folder holds entry 2, slice 2's folder.
  const r = runPod(templateNamed(m, 'write-named-slices-filename'), { 'inputs.parameters.dflow_group': JSON.stringify({ _index: 1, _slices: [2], filename: ['c.txt'] }), [`inputs.parameters.${SLICING_INPUT}`]: arg(c, SLICING_INPUT)! }, tmp.path)
  assert.is(r.status, 0, r.stderr)
  assert.equal(readdirSync(foo.path), ['2'])
  assert.equal(readdirSync(join(foo.path, '2')), ['c.txt'])
  assert.is(readFileSync(join(foo.path, '2', 'c.txt'), 'utf8'), 'c.txt')
})

test('E10 in groups, compiled, imported and run: both groups put their entries under one key, as S3 keeps objects other calls put there; check gets all 3 slices', async () => {
  const imported = importWorkflow(toYaml(compileChecked(groupArtifacts)))
  const run = await local({ runsDir: tmp.path }).run(imported.workflow)
  assert.is(run.status, 'Succeeded', run.message)
  // The imported run's outputs are Argo's: parameter strings.
  const o = run.step('check').outputs as Record<string, unknown>
  assert.equal([o['n'], JSON.parse(String(o['names']))], ['3', ['f1.txt', 'f2.txt', 'f3.txt']])
})

type ArtCall = Call & { arguments?: { artifacts?: { name: string; from?: string; subPath?: string }[] } }

test("E11 on Argo: an init step reads foo's catalog (dflow's hello-init-artifact), the slice zips its parts, each call fetches only its part by subPath", () => {
  const m = compileChecked(subpathSlices)
  const steps = (m.spec.templates.find((x) => x.name === 'subpath-slices')!.steps ?? []).map((g) => g.map((c) => c.name))
  assert.equal(steps, [['prepare'], ['hello-init-artifact'], ['hello']])
  const init = call(m, 'hello-init-artifact') as ArtCall
  assert.is(init.template, 'dflow-slice-parts')
  assert.equal(init.arguments?.artifacts, [{ name: 'list', from: '{{steps.prepare.outputs.artifacts.foo}}' }])
  const hello = call(m, 'hello') as ArtCall
  assert.match(hello.withParam ?? '', "let l0 = jsonpath(steps['hello-init-artifact'].outputs.parameters['parts'], '$'); toJson(map(0..(len(l0) - 1), { {'_index': #, 'foo': l0[#]} }))")
  assert.equal(hello.arguments?.artifacts, [{ name: 'foo', from: '{{steps.prepare.outputs.artifacts.foo}}', subPath: '{{item.foo}}' }])
  // prepare's list is stored unarchived, so that a part can be fetched alone.
  const prep = templateNamed(m, 'prepare') as unknown as { outputs: { artifacts: { name: string; archive?: unknown }[] } }
  assert.equal(prep.outputs.artifacts.find((a) => a.name === 'foo')?.archive, { none: {} })
})

test('E11 in groups on Argo: after the init step, each group\'s call gets the whole list artifact (no subPath) and its parts\' paths in its item; in the pod each slice reads only its part (a function OP and the sh wrapper alike)', () => {
  const m = compileChecked(groupSubpath)
  for (const [name, template] of [['hello', 'hello-slices-foo-tag'], ['cat', 'cat-slices-foo-tag']] as const) {
    const c = call(m, name) as ArtCall
    assert.is(c.template, template)
    assert.equal(c.arguments?.artifacts, [{ name: 'foo', from: '{{steps.prepare.outputs.artifacts.foo}}' }])
    assert.match(c.withParam ?? '', `jsonpath(steps['${name}-init-artifact'].outputs.parameters['parts'], '$')`)
    assert.match(c.withParam ?? '', "'foo': map((# * 2)..")
  }
  // The pods, each run with the staged artifact at its input's path: group 1 holds slices 2 and 3.
  const group = JSON.stringify({ _index: 1, _slices: [2, 3], foo: ['foo3.txt', 'foo4.txt'], tag: ['c', 'd'] })
  for (const [name, template] of [['hello', 'hello-slices-foo-tag'], ['cat', 'cat-slices-foo-tag']] as const) {
    const t = templateNamed(m, template)
    const at = t.inputs!.artifacts!.find((a) => a.name === 'foo')!.path!
    rmSync(at, { recursive: true, force: true })
    mkdirSync(at, { recursive: true })
    for (let i = 1; i <= 5; i++) writeFileSync(join(at, `foo${i}.txt`), `foo${i}`)
    const dir = mkdtempSync(join(tmp.path, `${name}-`))
    try {
      const r = runPod(t, { 'inputs.parameters.dflow_group': group, [`inputs.parameters.${SLICING_INPUT}`]: arg(call(m, name), SLICING_INPUT)! }, dir)
      assert.is(r.status, 0, r.stderr)
      const path = t.outputs!.parameters!.find((p) => p.name === 'text')!.valueFrom!.path!
      // A script template's outputs are under its working directory (/tmp/workdir on Argo, the pod's folder here).
      assert.equal(JSON.parse(readFileSync(path.startsWith('/tmp/workdir/') ? join(dir, path.slice('/tmp/workdir/'.length)) : path, 'utf8')), ['c:foo3', 'd:foo4'], name)
    } finally {
      rmSync(at, { recursive: true, force: true })
    }
  }
})

test('E13 on Argo: two catalogs read side by side, three lists zipped, the gathered call enumerated with each part by subPath', () => {
  const m = compileChecked(makevasp)
  const steps = (m.spec.templates.find((x) => x.name === 'vasp-steps')!.steps ?? []).map((g) => g.map((c) => c.name))
  assert.equal(steps, [['make-poscar', 'make-potcar'], ['vasp-run-init-artifact-poscar', 'vasp-run-init-artifact-potcar'], ['vasp-run'], ['vasp-res']])
  const run = call(m, 'vasp-run') as ArtCall
  assert.equal(run.arguments?.artifacts?.map((a) => [a.name, a.subPath]), [['poscar', '{{item.poscar}}'], ['potcar', '{{item.potcar}}']])
  assert.match(run.withParam ?? '', "'poscar': l1[#], 'potcar': l2[#]")
})

test('the init template reads a catalog as Argo runs it: a function OP list, a stack, none (it fails, saying so)', async () => {
  const p = step('prepare', prepare)
  const hellos = slice({ filename: ['f1.txt', 'f2.txt'] }, (s) => step('hello', hello, { filename: s.filename }))
  const m = step('mk', mkNone)
  const f = step('folder', folder)
  const wf = workflow(
    'read-catalogs',
    seq(p, hellos, m, f, step('of-list', sliceParts, { list: p.outputs.foo }), step('of-stack', sliceParts, { list: hellos.outputs.foo }), step('of-empty', sliceParts, { list: m.outputs.foo }), step('of-none', sliceParts, { list: f.outputs.foo }, { continueOn: { failed: true } })),
  )
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(wf)
  assert.equal(run.step('of-list').outputs.parts, ['foo1.txt', 'foo2.txt'])
  assert.equal(run.step('of-stack').outputs.parts, ['0', '1'])
  assert.equal(run.step('of-empty').outputs.parts, [])
  assert.is(run.step('of-none').phase, 'Failed')
  assert.match(run.step('of-none').message ?? '', /no catalog/)
})

test.run()
