/**
 * Values come back exactly on Argo: what the function-OP runtime writes for a returned value, read back with
 * Argo's one-newline trim, is that value; an output default compiles so that Argo's trim leaves it whole.
 */
import { readFileSync, rmSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
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

test.run()
