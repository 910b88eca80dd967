import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { GROUP_INPUT, SLICING_INPUT, key, param, sh, shell, slice, step, t, workflow } from 'dflow-ts'
import { bothWays, sharedFolder } from '../conformance/parity.ts'
import shellExploration from '../../examples/slices/shell-exploration.ts'
import { pyUpper, shDouble } from '../helpers/slice-scripts.ts'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import { runPod } from './support/pod.ts'

const test = suite('argo: grouped slices of shell and script templates')
const tmp = tempDir('argo-slice-script')
test.after(tmp.cleanup)

type Call = { name: string; template: string; withItems?: unknown[]; withParam?: string; arguments?: { parameters?: { name: string; value: string }[] } }
const call = (m: ReturnType<typeof compileChecked>, name: string): Call => {
  const c = (m.spec.templates.flatMap((t) => (t.steps ?? []).flat()) as unknown as Call[]).find((x) => x.name === name)
  assert.ok(c, `no call ${name}`)
  return c
}
const arg = (c: Call, name: string) => c.arguments?.parameters?.find((p) => p.name === name)?.value

const grouped = workflow('sh-grouped', slice({ x: [1, 2, 4, 5], tag: ['a', 'b', 'c', 'd'] }, (s, i) => step('d', shDouble, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), { groupSize: 2, poolSize: 2 }))

test('a grouped shell slice compiles to a valid manifest: one call per group running the wrapper script template, given the group and how it slices', () => {
  const m = compileChecked(grouped)
  const c = call(m, 'd')
  assert.is(c.template, 'sh-double-slices-tag-x')
  assert.equal(c.withItems, [
    { _index: 0, _slices: [0, 1], x: [1, 2], tag: ['a', 'b'] },
    { _index: 1, _slices: [2, 3], x: [4, 5], tag: ['c', 'd'] },
  ])
  assert.is(arg(c, GROUP_INPUT), '{{item}}')
  assert.equal(JSON.parse(arg(c, SLICING_INPUT)!), { template: 'sh-double', pool: 2, sliced: { x: 'x', tag: 'tag' }, key: ['d-', { field: '_index' }] })
  const t = templateNamed(m, 'sh-double-slices-tag-x')
  assert.equal(t.script?.command, ['sh'])
  assert.equal(t.outputs?.parameters?.map((p) => p.name), ['y', 'said', 'dflow_slices'])
  assert.equal(t.outputs?.artifacts?.map((a) => [a.name, a.path]), [['f', '/tmp/workdir/dflow-stack/f']])
})

test('the shell exploration compiles: groups of 50 by an expression, the consumer reads the groups\' lists flattened; a Python template keeps its default image', () => {
  const m = compileChecked(shellExploration)
  assert.match(call(m, 'explore').withParam ?? '', 'int((n + 49) / 50)')
  assert.match(arg(call(m, 'select'), 'devs') ?? '', 'flatten(')
  const p = compileChecked(workflow('py-grouped', slice({ word: ['a'] }, (s) => step('u', pyUpper, { word: s.word }), { groupSize: 1 })))
  assert.match(String(templateNamed(p, 'py-upper-slices-word').script?.image), /python/)
})

/** Runs the wrapper as its pod would (dash, then bash), with the group item Argo gives it: JSON as Go writes it (HTML characters escaped). */
for (const shell of ['dash', 'bash']) {
  test(`in the pod (${shell}), the wrapper runs each slice of its group once, in its own folder, and leaves the stacked outputs, the artifacts' entries and the report where Argo reads them`, () => {
    const m = compileChecked(grouped)
    const t = templateNamed(m, 'sh-double-slices-tag-x')
    const dir = mkdtempSync(join(tmp.path, `${shell}-`))
    const group = '{"_index":1,"_slices":[2,3,4],"x":[4,5,3],"tag":["\\u003cq\\u003e \\"$(id)\\"","\\u00e9\\ud83d\\ude00\\n",  "x"]}'
    const r = runPod(t, { [`inputs.parameters.${GROUP_INPUT}`]: group, [`inputs.parameters.${SLICING_INPUT}`]: arg(call(m, 'd'), SLICING_INPUT)!, 'inputs.parameters.note': 'N' }, dir, [shell])
    assert.is(r.status, 1, 'slice 4 (x = 3) fails its group')
    assert.match(r.stderr, '1 of 3 slices failed: slice 4 (d-4): exit code 3: three is not allowed')
    const out = (name: string) => readFileSync(join(dir, 'dflow-stacked', name), 'utf8')
    assert.equal(JSON.parse(out('y')), ['8', '10'])
    assert.equal(JSON.parse(out('said')), ['<q> "$(id)"|N|lit $x', 'é😀\n|N|lit $x'])
    assert.equal(JSON.parse(out('dflow_slices')), [
      { index: 2, key: 'd-2', phase: 'Succeeded', outputs: { y: '8', said: '<q> "$(id)"|N|lit $x' }, artifacts: ['f'] },
      { index: 3, key: 'd-3', phase: 'Succeeded', outputs: { y: '10', said: 'é😀\n|N|lit $x' }, artifacts: ['f'] },
      { index: 4, key: 'd-4', phase: 'Failed', outputs: {}, message: 'exit code 3: three is not allowed' },
    ])
    assert.equal(readdirSync(join(dir, 'dflow-stack', 'f')).sort(), ['2', '3'])
    assert.is(readFileSync(join(dir, 'dflow-stack', 'f', '3'), 'utf8'), 'file é😀\n')
    assert.equal(readdirSync(join(dir, 'dflow-slices')).sort(), ['2', '3', '4'])
  })
}

test('imported back, a script whose source holds \\${ and a backtick runs unchanged (a function OP\'s bundle holds both once it bundles the wrapper)', async () => {
  const raw = shell({ name: 'raw', outputs: { out: param(t.string, { path: 'out.txt' }) }, script: () => sh`${sh.unsafeRaw("printf '%s|%s' '\\${x}' '`' > out.txt")}` })
  const shared = sharedFolder()
  try {
    const both = await bothWays(workflow('raw-text', step('raw', raw)), { runsDir: tmp.path, shared: shared.path })
    assert.is(both.local.steps['raw']?.outputs['out'], '\\${x}|`')
    assert.equal(both.argo, both.local)
  } finally {
    shared.cleanup()
  }
})

test.run()
