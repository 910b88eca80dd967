import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, expr, fn, forEach, lastRetry, param, seq, sh, shell, step, stdout, t, workflow, type Workflow } from 'dflow-ts'
import { compile, toYaml, type ArgoTemplate } from 'dflow-ts/argo'
import bigParameter from '../../examples/fn/big-parameter.ts'
import errorHandling from '../../examples/fn/error-handling.ts'
import successRatio from '../../examples/fn/success-ratio.ts'
import successRatioFanOut from '../../examples/fn/success-ratio-fanout.ts'
import dagTimeout from '../../examples/argo/dag-task-level-timeout.ts'
import retryBackoff from '../../examples/argo/retry-backoff.ts'
import retryConditional from '../../examples/argo/retry-conditional.ts'
import importsSubpaths from '../fixtures/fn-imports-subpaths.ts'
import { double, liar } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import { runPod as runInPod } from './support/pod.ts'
import { repoRoot } from './support/shared.ts'

const test = suite('argo: function OPs, retries, timeouts, thresholds')
const tmp = tempDir('argo-fn')
test.after(tmp.cleanup)

/** Runs a compiled template as its pod would, in the suite's folder. */
const runPod = (t: ArgoTemplate, values: Readonly<Record<string, string>>) => runInPod(t, values, tmp.path)

test('a compiled function OP runs with node alone: inputs from env, typed output written where Argo reads it', () => {
  const t = templateNamed(compileChecked(workflow('pod', step('d', double, { n: 21 }))), 'double')
  assert.equal(t.script?.command, ['node'])
  const out = t.outputs!.parameters![0]!.valueFrom!.path!
  rmSync(out, { force: true })
  const r = runPod(t, { 'inputs.parameters.n': '21', 'pod.name': 'pod-d-1', 'workflow.name': 'pod-x' })
  assert.is(r.status, 0, r.stderr)
  assert.is(readFileSync(out, 'utf8'), '42')
})

test('in the pod, a bad input and a bad output fail with exit 2, naming field, type and value', () => {
  const d = templateNamed(compileChecked(workflow('pod', step('d', double, { n: 1 }))), 'double')
  const bad = runPod(d, { 'inputs.parameters.n': 'three' })
  assert.is(bad.status, 2)
  assert.match(bad.stderr, 'input parameter "n": expected number, got "three"')
  const l = templateNamed(compileChecked(workflow('pod', step('l', liar, { lie: true }))), 'liar')
  const lie = runPod(l, { 'inputs.parameters.lie': 'true' })
  assert.is(lie.status, 2)
  assert.match(lie.stderr, 'output parameter "out": expected number, got "oops"')
})

test('the bundle is deterministic (this process and a fresh one bundle alike) and holds no path of this machine', () => {
  const a = toYaml(compile(errorHandling))
  // Another process bundles from scratch (the bundler caches within a process, so compiling twice here would
  // compare a string with itself).
  const fresh = spawnSync(process.execPath, [join(repoRoot, 'bin', 'dflow.js'), 'compile', join(repoRoot, 'examples', 'fn', 'error-handling.ts')], { cwd: tmp.path, encoding: 'utf8' })
  assert.is(fresh.status, 0, fresh.stderr)
  const b = fresh.stdout
  assert.match(a, /command:\s+- node\s+source: \|\s+var /, 'it holds a bundle')
  assert.is(a, b)
  assert.not.match(a, repoRoot)
  assert.not.match(a, tmp.path)
  assert.not.match(a, /\d{4}-\d{2}-\d{2}T/)
})

test('an OP module that imports dflow-ts/local and dflow-ts/argo bundles, and its pod runs with node alone', () => {
  const t = templateNamed(compileChecked(importsSubpaths), 'inc')
  const out = t.outputs!.parameters![0]!.valueFrom!.path!
  rmSync(out, { force: true })
  const r = runPod(t, { 'inputs.parameters.n': '41' })
  assert.is(r.status, 0, r.stderr)
  assert.is(readFileSync(out, 'utf8'), '42')
})

test("a module that cannot be bundled: the problem shows esbuild's own messages, file:line:col and text", () => {
  const file = join(tmp.path, 'broken-ops.ts')
  writeFileSync(file, `import { fn, param, t } from 'dflow-ts'\nimport { nothing } from './no-such-file.ts'\nexport const op = fn({ name: 'op', module: import.meta.url, inputs: {}, outputs: {} }, () => ({ nothing }))\n`)
  const op = fn({ name: 'op', module: pathToFileURL(file).href, inputs: { n: param(t.number) }, outputs: {} }, () => ({}))
  try {
    compile(workflow('broken', step('o', op, { n: 1 })))
    assert.unreachable('it compiled')
  } catch (e) {
    assert.instance(e, DflowError)
    const text = (e as DflowError).message
    assert.match(text, 'templates.op.module: could not bundle')
    assert.match(text, `${file}:2:25: Could not resolve "./no-such-file.ts"`)
  }
})

test("E16: retryStrategy with the transient-error expression, Argo's timeout duration for the 0.5 s timeout", () => {
  const m = compileChecked(errorHandling)
  const byStep = new Map(m.spec.templates.flatMap((t) => (t.steps ?? []).flat().map((s) => [s.name, templateNamed(m, s.template)] as const)))
  assert.equal(byStep.get('hello0')!['retryStrategy'], { limit: '1', retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) == 1' })
  assert.equal(byStep.get('hello1')!['retryStrategy'], { limit: '1', retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) != 2' })
  assert.is(byStep.get('hello1')!['timeout'], '500ms')
  assert.equal(byStep.get('hello2')!['retryStrategy'], { limit: '1', retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) == 1' })
})

test("retry-conditional: the retry expression as Argo's retryStrategy.expression over lastRetry, policy Always; with OnTransientError both hold", () => {
  const t = templateNamed(compileChecked(retryConditional), 'retry-script')
  assert.equal(t['retryStrategy'], {
    limit: '10',
    retryPolicy: 'Always',
    expression: "(((asInt(lastRetry.exitCode) > 1) && (lastRetry.status != 'Error')) && (asFloat(lastRetry['duration']) < 120)) || (lastRetry['message'] matches 'imminent node shutdown|pod deleted')",
  })
  const both = shell({ name: 'both', retry: { limit: 2, policy: 'OnTransientError', expression: expr`${lastRetry.duration} < 5` }, script: () => sh`true` })
  assert.equal(templateNamed(compileChecked(workflow('both', step('both', both))), 'both')['retryStrategy'], {
    limit: '2',
    retryPolicy: 'Always',
    expression: "(asInt(lastRetry.exitCode) == 1) && (asFloat(lastRetry['duration']) < 5)",
  })
  const onError = shell({ name: 'on-error', retry: { limit: 1, policy: 'OnError', expression: expr`${lastRetry.status} == "Error"` }, script: () => sh`true` })
  assert.is((templateNamed(compileChecked(workflow('on-error', step('e', onError))), 'on-error')['retryStrategy'] as { retryPolicy: string }).retryPolicy, 'OnError')
})

test("retry-backoff: Argo's backoff fields; dag-task-level-timeout: one template variant per timeout", () => {
  const t = templateNamed(compileChecked(retryBackoff), 'retry-backoff')
  assert.equal(t['retryStrategy'], { limit: '10', retryPolicy: 'OnFailure', backoff: { duration: '1', factor: '2', cap: '5', maxDuration: '1m' } })
  const m = compileChecked(dagTimeout)
  const tasks = m.spec.templates.find((x) => x.dag)!.dag!.tasks
  const limit = (name: string) => ((t) => t['activeDeadlineSeconds'] ?? t['timeout'])(templateNamed(m, tasks.find((x) => x.name === name)!.template))
  assert.equal(['A', 'B', 'C'].map(limit), [5, '2500ms', 5])
})

test('E15: members continue on failure and a check step decides; the check script counts for real', () => {
  const m = compileChecked(successRatio)
  const main = m.spec.templates.find((x) => x.steps)!
  assert.is(main.steps!.length, 2)
  assert.ok(main.steps![0]!.every((s) => s.continueOn?.failed && s.continueOn?.error))
  const check = main.steps![1]![0]!
  assert.equal(check.arguments!.parameters![1], { name: 'total', value: '5' })
  assert.is(check.arguments!.parameters![0]!.value, [0, 1, 2, 3, 4].map((i) => `{{steps.hello0-${i}.status}}`).join(' '))
  const ok = runCheck(m, check.template, 'Succeeded Succeeded Succeeded Failed Failed', '5', '0.6')
  assert.is(ok.status, 0)
  assert.match(ok.stdout, 'Num success: 3')
  assert.match(ok.stdout, 'Threshold: 3')
  assert.is(runCheck(m, check.template, 'Succeeded Failed Succeeded Failed Failed', '5', '0.6').status, 1)
})

/** Runs the generated success-check script under sh with the given inputs. */
const runCheck = (m: ReturnType<typeof compileChecked>, template: string, statuses: string, total: string, ratio: string, num = '0') =>
  spawnSync('sh', ['-c', templateNamed(m, template).script!.source], {
    env: { PATH: process.env['PATH'] ?? '', dflow_in_statuses: statuses, dflow_in_total: total, dflow_in_ratio: ratio, dflow_in_num: num },
    encoding: 'utf8',
  })

test('E15 as a fan-out: the fan-out continues on failure, its template reports success, the check counts the aggregated list', () => {
  const m = compileChecked(successRatioFanOut)
  const hello = templateNamed(m, 'hello')
  assert.equal(hello.outputs?.parameters?.at(-1), { name: 'dflow-success', valueFrom: { path: '/tmp/dflow-success', default: 'Succeeded' } })
  const group = m.spec.templates.find((x) => x.steps?.[0]?.[0]?.withItems)!
  const fan = group.steps![0]![0]!
  assert.equal(fan.continueOn, { failed: true, error: true })
  const check = group.steps![1]![0]!
  assert.equal(check.arguments!.parameters, [
    { name: 'statuses', value: '{{steps.hello0.outputs.parameters.dflow-success}}' },
    { name: 'total', value: '5' },
    { name: 'ratio', value: '0.6' },
    { name: 'num', value: '0' },
  ])
  assert.is(runCheck(m, check.template, '["Succeeded","Succeeded","Succeeded"]', '5', '0.6').status, 0)
  const few = runCheck(m, check.template, '["Succeeded","Succeeded"]', '5', '0.6')
  assert.is(few.status, 1)
  assert.match(few.stdout, 'Num success: 2\nThreshold: 3')
  assert.is(runCheck(m, check.template, '["Succeeded"]', '5', '0', '2').status, 1)
})

test('a thresholded fan-out over a step output counts its items with an expression', () => {
  const gen = shell({ name: 'gen', outputs: { list: stdout(t.array(t.number)) }, script: () => sh`echo '[1, 2, 3]'` })
  const use = shell({ name: 'use', inputs: { n: param(t.number) }, script: ({ n }) => sh`test ${n} -ne 2` })
  const g = step('gen', gen)
  const m = compileChecked(workflow('count', seq(g, forEach(g.outputs.list, (n) => step('use', use, { n }), { continueOnNumSuccess: 2 }))))
  const check = m.spec.templates.flatMap((x) => (x.steps ?? []).flat()).find((s) => s.template === 'dflow-success-check')!
  assert.match(String(check.arguments!.parameters![1]!.value), /^\{\{= len\(/)
  assert.is(check.arguments!.parameters![1]!.value, "{{= len(jsonpath(inputs.parameters['gen-list'], '$')) }}")
  const call = m.spec.templates.find((x) => x.name === 'count')!.steps![1]![0]!
  assert.equal([call.name, call.template], ['use', 'count-use'])
})

test('E8: a big parameter is an artifact on Argo — raw data for a literal, from for a reference', () => {
  const m = compileChecked(bigParameter as Workflow)
  const dup = templateNamed(m, 'duplicate')
  assert.equal(dup.inputs?.artifacts?.map((a) => a.name), ['foo'])
  assert.equal(dup.outputs?.artifacts?.map((a) => a.name), ['foo'])
  // no parameter for the big input: only the key its keyed calls pass, which the pod reads as dflow_key
  assert.equal(dup.inputs?.parameters, [{ name: 'dflow-key', default: '' }])
  assert.ok(dup.script?.env?.some((e) => e.name === 'dflow_key' && e.value === '{{inputs.parameters.dflow-key}}'))
  const sub = templateNamed(m, 'hello-steps')
  assert.equal(sub.outputs?.artifacts, [{ name: 'foo', from: '{{steps.step2.outputs.artifacts.foo}}' }])
  const call = (m.spec.templates.flatMap((t) => (t.steps ?? []).flat()).find((s) => s.name === 'big-step') ?? templateNamed(m, m.spec.entrypoint)) as { arguments?: { artifacts?: unknown[] } }
  assert.ok(JSON.stringify(call).includes('"raw":{"data":"{\\"msg\\":\\"hello\\"}"}') || JSON.stringify(m).includes('"raw":{"data":"{\\"msg\\":\\"hello\\"}"}'))
})

test('in the pod, a big parameter is read from its artifact file and written to its output artifact', () => {
  const t = templateNamed(compileChecked(bigParameter as Workflow), 'duplicate')
  const input = t.inputs!.artifacts![0]!.path!
  const output = t.outputs!.artifacts![0]!.path!
  mkdirSync(dirname(input), { recursive: true })
  writeFileSync(input, '{"msg":"hello"}')
  rmSync(output, { force: true })
  const r = runPod(t, {})
  assert.is(r.status, 0, r.stderr)
  assert.equal(JSON.parse(readFileSync(output, 'utf8')), { msg: 'hellohello' })
})

test('every fn golden exists beside its example', () => {
  for (const f of ['python', 'python-sugar', 'dag', 'big-parameter', 'op-parameter', 'success-ratio', 'error-handling'])
    assert.ok(existsSync(join(repoRoot, 'examples', 'fn', `${f}.argo.yaml`)), f)
})

test.run()
