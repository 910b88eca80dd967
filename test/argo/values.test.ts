/**
 * Values come back exactly on Argo: what the function-OP runtime writes for a returned value, read back with
 * Argo's one-newline trim, is that value; an output default compiles so that Argo's trim leaves it whole.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bigParam, fileVarOf, type DflowError, formatProblem, param, py, script, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
import { echoString } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import { argoTrim, runPod } from './support/pod.ts'

const test = suite('argo: values come back exactly')
const tmp = tempDir('argo-values')
test.after(tmp.cleanup)

test('a function OP returning trailing newlines: its output file, trimmed as Argo does, is the exact value; a bigParam artifact holds it as is', () => {
  const tpl = templateNamed(compileChecked(workflow('pod', step('e', echoString, { s: 'x' }))), 'echo-string')
  const path = (name: string) => tpl.outputs!.parameters!.find((p) => p.name === name)?.valueFrom?.path ?? tpl.outputs!.artifacts!.find((a) => a.name === name)!.path!
  for (const s of ['value\n', '\n', '', 'a\n\n', ' x \n ']) {
    for (const n of ['out', 'big', 'list', 'fallback']) rmSync(path(n), { force: true })
    const r = runPod(tpl, { 'inputs.parameters.s': s }, tmp.path)
    assert.is(r.status, 0, r.stderr)
    assert.is(argoTrim(readFileSync(path('out'), 'utf8')), s, `out for ${JSON.stringify(s)}`)
    assert.equal(JSON.parse(argoTrim(readFileSync(path('list'), 'utf8'))), [s])
    assert.is(argoTrim(readFileSync(path('fallback'), 'utf8')), 'd\n')
    assert.is(readFileSync(path('big'), 'utf8'), s, `big for ${JSON.stringify(s)}`)
  }
})

test("an output parameter's default ending with a newline gets one more in valueFrom.default (Argo trims the default too)", () => {
  const fallback = shell({ name: 'fallback', outputs: { a: param(t.string, { path: 'a', default: 'd\n' }), b: param(t.string, { path: 'b', default: 'd' }) }, script: () => sh`true` })
  const tpl = templateNamed(compileChecked(workflow('defaults', step('f', fallback))), 'fallback')
  const d = Object.fromEntries(tpl.outputs!.parameters!.map((p) => [p.name, p.valueFrom!.default]))
  assert.equal(d, { a: 'd\n\n', b: 'd' })
  assert.is(argoTrim(d['a']!), 'd\n')
  const fn = templateNamed(compileChecked(workflow('pod', step('e', echoString, { s: 'x' }))), 'echo-string')
  assert.is(fn.outputs!.parameters!.find((p) => p.name === 'fallback')!.valueFrom!.default, 'd\n\n')
})

const bigCat = shell({
  name: 'big-cat',
  inputs: { v: bigParam(t.string), n: param(t.string, { default: 'n' }) },
  outputs: { o: bigParam(t.string, { path: 'o.txt' }) },
  script: ({ v, n }, out) => sh`printf '%s|%s|%s' ${v} "${v}" ${n} > ${out.o}`,
})
const bigPy = script({
  name: 'big-py',
  inputs: { v: bigParam(t.string) },
  outputs: { o: bigParam(t.string, { path: 'o.txt' }) },
  source: ({ v }, out) => py`open(${out.o}, "w", encoding="utf-8", newline="").write(${v} + "|" + ${v})`,
})
const huge = `  lead "'$(x)\`\n${'é€x'.repeat(60_000)}\n trail \n\n`

test('a bigParam input of a sh or py template is an artifact file, read by the script keeping every byte (dash, bash, python3); a bigParam output is an artifact', () => {
  const a = step('a', bigCat, { v: 'literal\n' })
  const m = compileChecked(workflow('big-script', seq(a, step('b', bigPy, { v: a.outputs.o }))))
  const tpl = templateNamed(m, 'big-cat')
  assert.equal(tpl.inputs!.parameters!.map((p) => p.name), ['n'])
  const input = tpl.inputs!.artifacts!.find((a) => a.name === 'v')!.path!
  assert.ok(tpl.script!.env!.some((e) => e.name === fileVarOf('dflow_in_v') && e.value === input), JSON.stringify(tpl.script!.env))
  assert.not.ok(tpl.script!.env!.some((e) => e.name === 'dflow_in_v'))
  const output = tpl.outputs!.artifacts!.find((a) => a.name === 'o')!.path!
  assert.is(tpl.outputs!.parameters, undefined)
  assert.match(JSON.stringify(m), '"raw":{"data":"literal\\n"}')
  assert.match(JSON.stringify(m), '"from":"{{steps.a.outputs.artifacts.o}}"')
  for (const shell_ of ['dash', 'bash']) {
    for (const d of [dirname(input), dirname(output)]) mkdirSync(d, { recursive: true })
    writeFileSync(input, huge)
    rmSync(output, { force: true })
    const r = runPod(tpl, { 'inputs.parameters.n': 'n' }, tmp.path, [shell_])
    assert.is(r.status, 0, r.stderr)
    assert.ok(readFileSync(output, 'utf8') === `${huge}|${huge}|n`, shell_)
  }
  const p = templateNamed(m, 'big-py')
  writeFileSync(p.inputs!.artifacts!.find((a) => a.name === 'v')!.path!, huge)
  const r = runPod(p, {}, tmp.path)
  assert.is(r.status, 0, r.stderr)
  assert.ok(readFileSync(p.outputs!.artifacts![0]!.path!, 'utf8') === `${huge}|${huge}`, 'py')
})

test('a literal too large for an environment variable, bound to an input that is not a bigParam, is refused naming the input and bigParam', () => {
  const copy = shell({ name: 'copy', inputs: { v: param(t.string), d: param(t.string, { default: 'y'.repeat(200_000) }) }, script: ({ v, d }) => sh`echo ${v} ${d} ${'z'.repeat(200_000)}` })
  let text = ''
  try {
    compile(workflow('too-big', step('s', copy, { v: 'x'.repeat(200_000) })))
  } catch (e) {
    text = (e as DflowError).problems.map(formatProblem).join('\n')
  }
  for (const what of ['input "v"', 'input "d"', 'a literal']) assert.match(text, what)
  assert.match(text, 'bigParam')
  assert.match(text, '131072')
  // a bigParam's literal is raw data inside the template, which Argo puts in ARGO_TEMPLATE: pass it by reference
  let raw = ''
  try {
    compile(workflow('too-big-raw', step('s', bigCat, { v: 'x'.repeat(200_000) })))
  } catch (e) {
    raw = (e as DflowError).problems.map(formatProblem).join('\n')
  }
  assert.match(raw, 'input "v"')
  assert.match(raw, 'by reference')
})

test.run()
