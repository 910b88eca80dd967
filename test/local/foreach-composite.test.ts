import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, DflowError, expr, field, forEach, param, seq, sh, shell, step, stdout, t, validate, when, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { compileChecked, templateNamed } from '../argo/support/checked.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('forEach over a composite body')
const tmp = tempDir('foreach-composite')
test.after(tmp.cleanup)

const say = shell({ name: 'say', inputs: { m: param(t.string) }, outputs: { m: param(t.string, { path: 'm.txt' }) }, script: ({ m }) => sh`echo ${m} | tee m.txt` })
const gen = shell({ name: 'gen', outputs: { result: stdout(t.array(t.type({ n: t.string, big: t.boolean }))) }, script: () => sh`echo '[{"n":"a","big":true},{"n":"b","big":false}]'` })

const build = () => {
  const g = step('gen', gen)
  const perItem = forEach(
    g.outputs.result,
    (item) => {
      const first = step('first', say, { m: field(item, 'n') })
      return seq(first, when(expr`${field(item, 'big')} == true`, step('then', say, { m: first.outputs.m })))
    },
    { name: 'per-item' },
  )
  return workflow('composite', dag(g, perItem, step('after', say, { m: 'done' }, { dependsOn: [perItem] })))
}

test('locally: the body once per item, as per-item(i).STEP, each seeing its item; then the dependents', async () => {
  const r = await local({ runsDir: tmp.path }).run(build())
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(r.steps({ name: 'first' }).map((s) => [s.id, s.log().trim()]).sort(), [['per-item(0).first', 'a'], ['per-item(1).first', 'b']])
  assert.equal(r.steps({ name: 'then' }).map((s) => [s.id, s.phase]).sort(), [['per-item(0).then', 'Succeeded'], ['per-item(1).then', 'Skipped']])
  assert.is(r.step('per-item').type, 'StepGroup')
  assert.equal([r.step('per-item').record.template, r.step('per-item(1)').record.template], ['per-item', 'per-item'])
  assert.is(r.step('per-item(1)').type, 'Steps')
  assert.ok(r.step('after').record.startedAt! >= r.step('per-item').record.finishedAt!)
})

test('Argo: a generated template called with withParam, the item fields passed as inputs', () => {
  const m = compileChecked(build())
  const call = templateNamed(m, 'composite').dag!.tasks.find((x) => x.name === 'per-item')!
  assert.is(call.withParam, '{{tasks.gen.outputs.result}}')
  // the template is named as the local records name it
  assert.is(call.template, 'per-item')
  assert.equal(call.arguments?.parameters?.map((p) => [p.name, p.value]), [['n', '{{item.n}}'], ['big', '{{item.big}}']])
  assert.is(templateNamed(m, 'composite').dag!.tasks.find((x) => x.name === 'after')!.depends, 'per-item')
  const inner = templateNamed(m, 'per-item')
  assert.is(inner.steps![1]![0]!.when, "{{= (inputs.parameters['big'] == 'true') == true }}")
})

test('validation: outputs inside a composite forEach are not visible outside it; it needs a name', () => {
  const wf = (() => {
    const fe = forEach(['a'], (item) => seq(step('x', say, { m: item })), { name: 'fe' })
    return workflow('leak', seq(fe, step('y', say, { m: { _tag: 'ParamRef', source: { kind: 'step', step: 'x' }, name: 'm', codec: t.string } })))
  })()
  assert.match(validate(wf).map((p) => p.message).join('\n'), 'step "y" reads an output of "x", inside forEach "fe"')
  assert.throws(() => forEach(['a'], (item) => seq(step('x', say, { m: item })), undefined as never), /needs a name/)
})

test('validation: a composite forEach names its template, so the name is one no template or other forEach has', () => {
  const clash = workflow('clash', seq(forEach(['a'], (item) => seq(step('x', say, { m: item })), { name: 'say' }), forEach(['b'], (item) => seq(step('y', say, { m: item })), { name: 'twice' }), forEach(['c'], (item) => seq(step('z', say, { m: item })), { name: 'twice' })))
  const ps = validate(clash).map((p) => [p.path.join('.'), p.message])
  assert.equal(ps, [
    ['clash.forEach.say', 'forEach "say" names its template, and a template is already named "say"'],
    ['clash.forEach.twice', 'two forEach nodes are named "twice"'],
  ])
  assert.match(validate(workflow('bad', forEach(['a'], (item) => seq(step('x', say, { m: item })), { name: 'Bad_Name' }))).map((p) => p.message).join('\n'), 'Bad_Name')
  // its records are NAME and NAME(i), beside the steps of the same body
  const besideStep = workflow('beside', seq(step('fe', say, { m: 'x' }), forEach(['a'], (item) => seq(step('x', say, { m: item })), { name: 'fe' })))
  assert.equal(validate(besideStep).map((p) => [p.path.join('.'), p.message]), [['beside.fe', 'a step and a forEach are named "fe" in the same body']])
})

test('with a name, a one-step body makes a ForEach node too (the name was dropped)', async () => {
  const wf = workflow('named-one', forEach(['a', 'b'], (item) => step('e', say, { m: item }), { name: 'loop' }))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(r.steps({ name: 'e' }).map((s) => [s.id, s.log().trim()]).sort(), [['loop(0).e', 'a'], ['loop(1).e', 'b']])
  assert.equal(templateNamed(compileChecked(wf), 'named-one').steps![0]![0]!.withItems, ['a', 'b'])
})

test('a literal list of items holding a reference is refused when built, naming the item', () => {
  const g = step('gen', gen)
  assert.throws(
    () => forEach(['a', g.outputs.result as never], (item) => step('x', say, { m: item })),
    (e: unknown) => e instanceof DflowError && e.problems[0]!.path.join('.') === 'forEach.1' && /cannot hold references/.test(e.message),
  )
  assert.throws(() => forEach([{ m: g.outputs.result as never }], () => step('x', say, { m: 'x' })), /cannot hold references/)
})

test.run()
