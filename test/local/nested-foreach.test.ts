import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expr, field, forEach, itemRef, key, par, param, seq, sequence, sh, shell, step, stdout, t, validate, when, workflow } from 'dflow-ts'
import { local, type Run } from 'dflow-ts/local'
import { compileChecked, templateNamed } from '../argo/support/checked.ts'
import { expandLeafCalls } from '../argo/support/expand.ts'
import { tempDir } from '../helpers/tmp.ts'
import nestedExample from '../../examples/control/nested-foreach.ts'

// A forEach whose body is another forEach runs the full product, locally and on Argo (issue 9, item 1).
const test = suite('nested forEach: the full product, locally and on Argo')
const tmp = tempDir('nested-foreach')
test.after(tmp.cleanup)

const echo2 = shell({ name: 'echo2', inputs: { x: param(t.string), y: param(t.string) }, script: ({ x, y }) => sh`echo x=${x} y=${y}` })
const echo3 = shell({ name: 'echo3', inputs: { x: param(t.string), y: param(t.string), z: param(t.string) }, script: ({ x, y, z }) => sh`echo x=${x} y=${y} z=${z}` })
const gen = shell({ name: 'gen', outputs: { result: stdout(t.array(t.string)) }, script: () => sh`echo '["g1","g2"]'` })

/** The leaf calls of a run: `[id, printed line]`, sorted. */
const leafLines = (r: Run) => r.steps().filter((s) => s.type === 'Pod' && s.name !== 'gen').map((s) => [s.id, s.log().trim()] as const).sort()
/** The compiled manifest's leaf calls as Argo would expand them: the printed line of each, sorted. */
const argoLines = (wf: Parameters<typeof compileChecked>[0], outputs: Record<string, string> = {}) =>
  expandLeafCalls(compileChecked(wf), outputs)
    .filter((c) => c.template !== 'gen')
    .map((c) => ['x', 'y', 'z'].filter((k) => k in c.parameters).map((k) => `${k}=${c.parameters[k]}`).join(' '))
    .sort()

const issueExample = () => nestedExample
const product = ['x=a y=1', 'x=a y=2', 'x=a y=3', 'x=b y=1', 'x=b y=2', 'x=b y=3']

test("the issue's example: 6 calls outer(i).s(j), each with its x and y", async () => {
  const r = await local({ runsDir: tmp.path }).run(issueExample())
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(
    leafLines(r),
    [0, 1].flatMap((i) => [0, 1, 2].map((j) => [`outer(${i}).s(${j})`, `x=${'ab'[i]} y=${j + 1}`] as const)),
  )
  assert.is(r.step('outer').type, 'StepGroup')
  assert.is(r.step('outer(1)').type, 'Steps')
  assert.is(r.step('outer(1).s').type, 'StepGroup')
  assert.is(r.step('outer(1).s').record.parent, 'outer(1)')
})

test("the issue's example on Argo: the outer loop calls a template that holds the inner one; 6 calls", () => {
  const m = compileChecked(issueExample())
  const top = templateNamed(m, 'nested-foreach').steps![0]![0]!
  assert.equal(top.withItems, ['a', 'b'])
  assert.is(top.template, 'outer')
  const inner = templateNamed(m, top.template).steps![0]![0]!
  assert.equal(inner.withItems, ['1', '2', '3'])
  assert.equal(argoLines(issueExample()), product)
})

const depth3 = () => {
  const g = step('gen', gen)
  const loops = forEach(sequence({ count: 2 }), (x) => forEach(g.outputs.result, (y) => forEach(['p', 'q'], (z) => step('s', echo3, { x, y, z })), { name: 'mid' }), { name: 'outer' })
  return workflow('depth3', seq(g, loops))
}
const product3 = ['0', '1'].flatMap((x) => ['g1', 'g2'].flatMap((y) => ['p', 'q'].map((z) => `x=${x} y=${y} z=${z}`)))

test('depth 3 over a sequence, a step output and a literal list: 8 calls outer(i).mid(j).s(k)', async () => {
  const r = await local({ runsDir: tmp.path }).run(depth3())
  assert.is(r.status, 'Succeeded', r.message)
  const lines = leafLines(r)
  assert.is(lines.length, 8)
  assert.equal(lines.map(([, l]) => l).sort(), product3)
  assert.ok(lines.some(([id, l]) => id === 'outer(1).mid(0).s(1)' && l === 'x=1 y=g1 z=q'), JSON.stringify(lines))
})

test('depth 3 on Argo: 8 calls with the right x, y, z', () => {
  assert.equal(argoLines(depth3(), { 'steps.gen.outputs.result': '["g1","g2"]' }), product3)
})

const overField = () =>
  workflow(
    'over-field',
    forEach(
      [
        { n: 'a', ys: ['1', '2'] },
        { n: 'b', ys: ['3'] },
      ],
      (x) => forEach(field(x, 'ys'), (y) => step('s', echo2, { x: field(x, 'n'), y: y as never })),
      { name: 'outer' },
    ),
  )

test('an inner loop over a field of the outer item, locally and on Argo', async () => {
  const r = await local({ runsDir: tmp.path }).run(overField())
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(leafLines(r), [
    ['outer(0).s(0)', 'x=a y=1'],
    ['outer(0).s(1)', 'x=a y=2'],
    ['outer(1).s(0)', 'x=b y=3'],
  ])
  assert.equal(argoLines(overField()), ['x=a y=1', 'x=a y=2', 'x=b y=3'])
})

test('on Argo, an item read in a generated template inside the loop body (a seq in a par) is passed to it', () => {
  const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
  const wf = workflow('frag', forEach(['a', 'b'], (x) => seq(step('p', echo, { m: x }), par(seq(step('q', echo, { m: x }), step('r', echo, { m: x })), step('u', echo, { m: 'k' }))), { name: 'outer' }))
  assert.equal(expandLeafCalls(compileChecked(wf)).map((c) => c.parameters['m']).sort(), ['a', 'a', 'a', 'b', 'b', 'b', 'k', 'k'])
})

test("an inner call's when and key read the outer item too, locally and on Argo", async () => {
  const wf = workflow('nest-when', forEach(['a', 'b'], (x) => forEach(['1', '2'], (y) => when(expr`${x} == "a"`, step('s', echo2, { x, y }, { key: key`k-${x}-${y}` }))), { name: 'outer' }))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(r.steps().filter((s) => s.type === 'Pod').map((s) => [s.id, s.phase, s.record.key ?? '']).sort(), [
    ['outer(0).s(0)', 'Succeeded', 'k-a-1'],
    ['outer(0).s(1)', 'Succeeded', 'k-a-2'],
    ['outer(1).s(0)', 'Skipped', ''],
    ['outer(1).s(1)', 'Skipped', ''],
  ])
  const call = templateNamed(compileChecked(wf), 'outer').steps![0]![0]!
  assert.is(call.when, "{{= inputs.parameters.item == 'a' }}")
  assert.equal(call.arguments?.parameters?.find((p) => p.name === 'dflow-key')?.value, 'k-{{inputs.parameters.item}}-{{item}}')
})

test('an inner loop over a list a step of the outer body makes for each outer item', async () => {
  const genFor = shell({ name: 'gen-for', inputs: { x: param(t.string) }, outputs: { result: stdout(t.array(t.string)) }, script: ({ x }) => sh`echo "[\"$(printf '%s' ${x})1\", \"$(printf '%s' ${x})2\"]"` })
  const wf = workflow('inner-gen', forEach(['a', 'b'], (x) => {
    const g = step('gen', genFor, { x })
    return seq(g, forEach(g.outputs.result, (y) => step('s', echo2, { x, y })))
  }, { name: 'outer' }))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(leafLines(r).filter(([id]) => id.includes('.s(')), [
    ['outer(0).s(0)', 'x=a y=a1'],
    ['outer(0).s(1)', 'x=a y=a2'],
    ['outer(1).s(0)', 'x=b y=b1'],
    ['outer(1).s(1)', 'x=b y=b2'],
  ])
  const inner = templateNamed(compileChecked(wf), 'outer').steps!
  assert.equal([inner[0]![0]!.arguments?.parameters, inner[1]![0]!.withParam], [[{ name: 'x', value: '{{inputs.parameters.item}}' }], '{{steps.gen.outputs.result}}'])
})

test('a forEach over a forEach without a name is refused when built', () => {
  assert.throws(() => forEach(['a'], (x) => forEach(['1'], (y) => step('s', echo2, { x, y }))), /needs a name/)
})

test('validation: nested loops of one name; an item read outside its forEach', () => {
  const same = workflow('same', forEach(['a'], (x) => forEach(['1'], (y) => step('s', echo2, { x, y })), { name: 's' }))
  assert.match(validate(same).map((p) => p.message).join('\n'), 'a step and a forEach are named "s" in the same body')
  const twice = workflow('twice', forEach(['a'], () => forEach(['1'], (y) => seq(step('s', echo2, { x: 'x', y })), { name: 'l' }), { name: 'l' }))
  assert.match(validate(twice).map((p) => p.message).join('\n'), 'two forEach nodes are named "l"')
  const stray = workflow('stray', forEach(['a'], (x) => step('s', echo2, { x, y: itemRef(t.string, [], 'elsewhere') })))
  const [p] = validate(stray)
  assert.equal([p?.path, p?.message], [['stray', 's', 'args', 'y'], 'the item of forEach "elsewhere" is read outside that forEach'])
})

test.run()
