import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dag, DflowError, ex, expr, exprOutput, param, seq, sh, shell, step, subflow, t, when, workflow } from 'dflow-ts'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { parseYaml } from '../../lib/argo/yaml.ts'
import { compileChecked, templateNamed } from '../argo/support/checked.ts'
import { checkExample } from '../conformance/parity-examples.ts'
import { bothWays } from '../conformance/parity.ts'
import fallback from '../../examples/control/output-fallback.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('composite outputs computed by expressions (valueFrom.expression), ?? over skipped outputs')
const tmp = tempDir('output-expr')
test.after(tmp.cleanup)
// the imported example's steps run argosay (Argo's image program, a fixture)
const env = { ...process.env, PATH: `${join(import.meta.dirname, '../fixtures/argo-bin')}:${process.env.PATH}` }
const run = (wf: Parameters<ReturnType<typeof local>['run']>[0]) => local({ runsDir: tmp.path, env }).run(wf)

const produce = shell({ name: 'produce', inputs: { text: param(t.string, { default: 'real-value' }) }, outputs: { msg: param(t.string, { path: 'out.txt' }) }, script: (i, o) => sh`printf %s ${i.text} > ${o.msg}` })
const count = shell({ name: 'count', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: (_, o) => sh`echo 41 > ${o.n}` })
const consume = shell({ name: 'consume', inputs: { in: param(t.string) }, script: (i) => sh`echo "got: [${i.in}]"` })

/** A DAG whose producer runs when `runs` is true, and whose output falls back with `??` when it did not. */
const main = (runs: boolean, text = 'real-value') =>
  subflow({
    name: 'main',
    body: () => {
      const p = when(runs ? expr`true` : expr`false`, step('producer', produce, { text }))
      return { run: dag(p), outputs: { result: expr`${p.outputs.msg} ?? "expr-fallback"` } }
    },
  })

test('a skipped producer without a default: its output is nil, ?? gives the fallback', async () => {
  const r = await run(workflow('fallback', step('main', main(false))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('producer').phase, 'Skipped')
  assert.is(r.step('main').outputs.result, 'expr-fallback')
})

test('a producer that ran: its value, an empty one too ("" is not nil)', async () => {
  assert.is((await run(workflow('value', step('main', main(true))))).step('main').outputs.result, 'real-value')
  assert.is((await run(workflow('empty', step('main', main(true, ''))))).step('main').outputs.result, '')
})

test('typed: exprOutput names the codec, consumers read it; a number expression computes', async () => {
  const sub = subflow({
    name: 'sum',
    body: () => {
      const c = step('count', count)
      const skipped = when(expr`false`, step('producer', produce))
      return {
        run: seq(c, skipped),
        outputs: { label: exprOutput(ex.coalesce(skipped.outputs.msg, 'none'), t.string), next: expr`${c.outputs.n} + 1` },
      }
    },
  })
  const s = step('sum', sub)
  const wf = workflow('typed', seq(s, step('use', consume, { in: s.outputs.label })))
  const r = await run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal([r.step('sum').outputs.label, r.step('sum').outputs.next], ['none', 42])
  assert.is(r.step('use').log().trim(), 'got: [none]')
  assert.is(sub.outputs.next.codec.name, 'number')
})

test('a nil value without a fallback errors the template, naming the output and the remedy', async () => {
  const sub = subflow({ name: 'bare', body: () => {
    const p = when(expr`false`, step('producer', produce))
    return { run: seq(p), outputs: { result: expr`${p.outputs.msg} + "!"` } }
  } })
  const r = await run(workflow('nil', step('bare', sub)))
  assert.is(r.step('bare').phase, 'Error')
  assert.match(r.step('bare').message ?? '', 'output "result"')
  const only = subflow({ name: 'only', body: () => {
    const p = when(expr`false`, step('producer', produce))
    return { run: seq(p), outputs: { result: expr`${p.outputs.msg} ?? null` } }
  } })
  const r2 = await run(workflow('nil2', step('only', only)))
  assert.is(r2.step('only').phase, 'Error')
  assert.match(r2.step('only').message ?? '', 'output "result": the value is nil')
})

test('refused when built: a nil expression, a codec its type does not fit, ?? between two types', () => {
  const c = step('count', count)
  assert.throws(() => exprOutput(expr`null`), (e: unknown) => e instanceof DflowError && /always nil/.test(e.message))
  assert.throws(() => exprOutput(expr`${c.outputs.n} + 1`, t.string), (e: unknown) => e instanceof DflowError && /is a number, but the output is declared string/.test(e.message))
  assert.throws(() => expr`${c.outputs.n} ?? "x"`, /"\?\?" falls back from a number to a string/)
})

test('compiled: the output is a valueFrom.expression Argo reads (schema-checked), a step output read nil-safe (?.), a typed one tested for nil first', () => {
  const m = compileChecked(workflow('fallback', step('main', main(false))))
  assert.equal(templateNamed(m, 'main').outputs?.parameters, [{ name: 'result', valueFrom: { expression: "tasks?.['producer']?.outputs?.parameters?.['msg'] ?? 'expr-fallback'" }, description: '{"type":"string"}' }])
  const sub = subflow({ name: 'num', body: () => {
    const c = step('count', count)
    return { run: seq(c), outputs: { n: ex.coalesce(c.outputs.n, 0) } }
  } })
  const m2 = compileChecked(workflow('num', step('num', sub)))
  assert.equal(templateNamed(m2, 'num').outputs?.parameters?.[0]?.valueFrom, {
    expression: "steps?.['count']?.outputs?.parameters?.['n'] == nil ? 0 : asFloat(steps['count'].outputs.parameters['n'])",
  })
})

const example = (): unknown => {
  const parsed = parseYaml(readFileSync(join(import.meta.dirname, '../../../shared/argo/examples/skipped-output-defaults/expression-fallback.yaml'), 'utf8'))
  assert.ok(parsed.ok)
  return (parsed as { documents: readonly unknown[] }).documents[0]
}

test("imported: Argo's skipped-output-defaults/expression-fallback.yaml ends with result expr-fallback", async () => {
  const r = await run(importWorkflow(example()).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('producer').phase, 'Skipped')
  assert.is(r.step('expression-fallback').outputs.result, 'expr-fallback')
})

test('imported: an output expression the DSL cannot type, and a default beside an expression, are refused at their fields', () => {
  const doc = example() as { spec: { templates: { outputs?: { parameters: Record<string, unknown>[] } }[] } }
  const withDefault = structuredClone(doc)
  withDefault.spec.templates[0]!.outputs!.parameters[0]!.valueFrom = { expression: "tasks.producer.outputs.parameters.msg ?? 'x'", default: 'd' }
  assert.throws(() => importWorkflow(withDefault), /spec\.templates\.0\.outputs\.parameters\.0\.valueFrom\.default: a default beside valueFrom\.expression/)
  const mixed = structuredClone(doc)
  mixed.spec.templates[0]!.outputs!.parameters[0]!.valueFrom = { expression: 'tasks.producer.outputs.parameters.msg ?? 1' }
  assert.throws(() => importWorkflow(mixed), /valueFrom\.expression: .*"\?\?" falls back from a string to a number/)
})

test('examples/control/output-fallback.ts: locally, and compiled to Argo, imported back and run, the same outcome', async () => {
  const r = await run(fallback)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal([r.step('main').outputs.result, r.step('main').outputs.next], ['expr-fallback', 42])
  await checkExample(join(import.meta.dirname, '../../examples/control/output-fallback.ts'), { runsDir: tmp.path, shared: tmp.path })
})

test('an output expression over a skipped composite (a generated fragment on Argo): the same outcome both ways', async () => {
  const sub = subflow({ name: 'frag', body: () => {
    const a = step('a', produce)
    const b = step('b', produce, { text: a.outputs.msg })
    const skipped = when(expr`false`, seq(a, b))
    const c = step('c', count)
    return { run: seq(c, skipped), outputs: { last: expr`${b.outputs.msg} ?? "none"`, n: ex.coalesce(c.outputs.n, 0) } }
  } })
  const wf = workflow('frag', step('frag', sub))
  const both = await bothWays(wf, { runsDir: tmp.path, shared: tmp.path })
  // compiled, the skipped fragment's steps are never created (Argo skips its call): the template's own outcome is compared
  assert.equal([both.argo.status, both.argo.steps['frag']], [both.local.status, both.local.steps['frag']])
  assert.is(both.local.status, 'Succeeded')
  assert.equal(both.local.steps['frag']?.outputs, { last: 'none', n: 41 })
})

test("imported whens over a skipped task's undefaulted output: {{= … ?? … }} falls back, a plain {{tag}} errors (Argo v4)", async () => {
  const doc = (when: string) => {
    const d = structuredClone(example()) as { spec: { templates: Record<string, any>[] } }
    d.spec.templates[0]!.outputs = undefined
    d.spec.templates[0]!.dag.tasks.push({ name: 'after', template: 'produce', depends: 'producer', when })
    return d
  }
  const r1 = await run(importWorkflow(doc("{{= (tasks.producer.outputs.parameters.msg ?? 'x') == 'x' }}")).workflow)
  assert.is(r1.step('after').phase, 'Succeeded', r1.step('after').message)
  const r2 = await run(importWorkflow(doc('{{tasks.producer.outputs.parameters.msg}} == x')).workflow)
  assert.is(r2.step('after').phase, 'Error')
  assert.match(r2.step('after').message ?? '', 'a tag of nothing is an error')
})

test.run()
