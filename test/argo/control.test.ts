import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, exitCode, expr, field, formatProblem, forEach, itemRef, key, param, seq, sequence, sh, shell, status, step, stdout, t, validate, when, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
import { compileChecked, templateNamed } from './support/checked.ts'

const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
const gen = shell({ name: 'gen', outputs: { result: stdout(t.array(t.string)) }, script: () => sh`echo '["a","b"]'` })

test('a keyed call passes dflow-key; the template declares it with a default', () => {
  const wf = workflow('keys', (p) => forEach(['a', 'b'], (item) => step('e', echo, { m: item }, { key: key`k-${item}-${p.n}` })), { parameters: { n: param(t.number, { default: 1 }) } })
  const m = compileChecked(wf)
  const call = templateNamed(m, 'keys').steps![0]![0]!
  assert.equal(call.arguments?.parameters?.find((x) => x.name === 'dflow-key'), { name: 'dflow-key', value: 'k-{{item}}-{{workflow.parameters.n}}' })
  assert.equal(templateNamed(m, 'echo').inputs?.parameters?.find((x) => x.name === 'dflow-key'), { name: 'dflow-key', default: '' })
})

test('a keyed step of the exit handler: its template declares the key too', () => {
  const bye = shell({ name: 'bye', script: () => sh`true` })
  const m = compileChecked(workflow('exit-key', step('e', echo, { m: 'x' }), { onExit: step('bye', bye, {}, { key: 'bye-key' }) }))
  assert.equal(templateNamed(m, 'bye').inputs?.parameters, [{ name: 'dflow-key', default: '' }])
})

test('withParam from a stdout result, withSequence from a parameter, when on the item', () => {
  const g = step('gen', gen)
  const wf = workflow('fans', (p) =>
    seq(
      g,
      forEach(g.outputs.result, (item) => when(expr`${item} != "b"`, step('each', echo, { m: item }))),
      forEach(sequence({ start: 1, count: p.n, format: 'x%d' }), (item) => step('seq', echo, { m: item })),
    ), { parameters: { n: param(t.number, { default: 3 }) } })
  const [[gen0], [each], [sq]] = templateNamed(compileChecked(wf), 'fans').steps! as never as [[unknown], [Record<string, unknown>], [Record<string, unknown>]]
  void gen0
  assert.is(each['withParam'], '{{steps.gen.outputs.result}}')
  assert.is(each['when'], "{{= item != 'b' }}")
  assert.equal(sq['withSequence'], { count: '{{workflow.parameters.n}}', start: '1', format: 'x%d' })
  assert.is(templateNamed(compileChecked(wf), 'gen').outputs, undefined) // result is Argo's own outputs.result
})

test('status and exit code of a step as Argo variables', () => {
  const f = step('f', echo, { m: 'x' }, { continueOn: { failed: true } })
  const wf = workflow('st', seq(f, when(expr`${status(f)} == "Failed"`, step('g', echo, { m: status(f) }))))
  const g = templateNamed(compileChecked(wf), 'st').steps![1]![0]!
  assert.is(g.when, "{{= steps['f'].status == 'Failed' }}")
  assert.equal(g.arguments?.parameters, [{ name: 'm', value: '{{steps.f.status}}' }])
})

test('a string literal holding "}}" or "{{" compiles into a tag that Argo reads whole (and lints clean)', () => {
  const f = step('f', echo, { m: 'x' })
  const wf = workflow('braces', seq(f, when(expr`${status(f)} + "}}" == "Succeeded}}" && "{{x}}" != ${status(f)}`, step('g', echo, { m: 'y' }))))
  const g = templateNamed(compileChecked(wf), 'braces').steps![1]![0]!
  assert.is(g.when, "{{= ((steps['f'].status + '}\\x7d') == 'Succeeded}\\x7d') && ('{\\x7bx}\\x7d' != steps['f'].status) }}")
  assert.is(g.when!.indexOf('}}'), g.when!.length - 2)
})

test('a condition longer than expr-lang takes (10,000 nodes) is a DflowError when compiled, at the step', () => {
  const f = step('f', echo, { m: 'x' })
  const pieces = [`${Array.from({ length: 6_000 }, () => '1').join(' + ')} > `, '']
  const sum = expr(Object.assign([...pieces], { raw: pieces }), exitCode(f))
  const wf = workflow('long', seq(f, when(sum, step('g', echo, { m: 'y' }))))
  assert.throws(() => compile(wf), (e: Error) => e instanceof DflowError && /^long\.g\.when: the expression is 12\d{3} expr-lang nodes: Argo's expr-lang refuses more than 10000/.test(e.problems.map(formatProblem).join('\n')))
})

test('validation: item outside forEach, a condition on a step that is not upstream', () => {
  const stray = workflow('stray', step('e', echo, { m: itemRef(t.string) }))
  assert.match(validate(stray).map((p) => p.message).join('\n'), '"item" is only defined inside forEach')
  const a = step('a', echo, { m: 'x' })
  const early = workflow('early', seq(when(expr`${status(a)} == "Failed"`, step('b', echo, { m: 'y' })), a))
  assert.match(validate(early).map((p) => p.message).join('\n'), 'step "a" is not upstream of this step')
})

test('field() of an object item is typed by the literal items', () => {
  forEach([{ image: 'debian', tag: '9.1' }], (item) => {
    const f = field(item, 'tag')
    assert.is(f.codec.name, 'string')
    assert.equal(f.source, { kind: 'item', path: ['tag'] })
    return step('x', echo, { m: f })
  })
  assert.throws(() => expr`${itemRef(t.number)} == "a"`, (e: Error) => e instanceof DflowError)
})

test('validation: a literal key used twice, a sequence with both count and end', () => {
  const twice = workflow('twice', seq(step('a', echo, { m: 'x' }, { key: 'k' }), step('b', echo, { m: 'y' }, { key: 'k' })))
  assert.match(validate(twice).map((p) => p.message).join('\n'), 'key "k" is used by a and b')
  const both = workflow('both', forEach(sequence({ count: 2, end: 3 }), (item) => step('e', echo, { m: item })))
  assert.match(validate(both).map((p) => p.message).join('\n'), 'a sequence takes either count or end')
})

test('validation: an exit hook may read its own step, not a later one', () => {
  const g = step('gen', gen)
  const ok = workflow('hook-ok', step('gen', gen, {}, { onExit: () => step('h', echo, { m: status({ name: 'gen' }) }) }))
  assert.equal(validate(ok), [])
  const later = workflow('hook-later', seq(step('a', echo, { m: 'x' }, { onExit: step('h', echo, { m: status(g) }) }), g))
  assert.match(validate(later).map((p) => p.message).join('\n'), 'step "gen" is not upstream of this step')
})

test.run()
