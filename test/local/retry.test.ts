import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expr, lastRetry, sh, shell, status, step, validate, workflow, type Expr } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import errorHandling from '../../examples/fn/error-handling.ts'
import dagTimeout from '../../examples/argo/dag-task-level-timeout.ts'
import { backoff } from '../../examples/argo/retry-backoff.ts'
import retryConditional from '../../examples/argo/retry-conditional.ts'
import retryScript from '../../examples/argo/retry-script.ts'
import { timeoutsStep } from '../../examples/argo/timeouts-step.ts'
import { hang } from '../helpers/fn-ops.ts'
import { processesUnder, processesWith, until } from '../helpers/processes.ts'
import { backoffGaps } from '../helpers/backoff.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: retries and timeouts')
const tmp = tempDir('retry')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: tmp.path, killGraceSeconds: 0.5 })

test('E16: transient error retried once, timeout counted as transient retried once, fatal error not retried', async () => {
  const run = await runner().run(errorHandling)
  assert.is(run.status, 'Failed')
  const [h0, h1, h2] = ['hello0', 'hello1', 'hello2'].map((n) => run.step(n))
  assert.equal(h0!.attempts.map((a) => [a.phase, a.exitCode]), [['Failed', 1], ['Failed', 1]])
  assert.equal(h1!.attempts.map((a) => [a.phase, a.timedOut]), [['Failed', true], ['Failed', true]])
  assert.match(h1!.message ?? '', 'timed out after 0.5s')
  assert.equal(h2!.attempts.map((a) => [a.phase, a.exitCode]), [['Failed', 2]])
  assert.match(run.message ?? '', 'step hello2 failed')
  // continued failures did not stop the workflow before hello2
  assert.is(h2!.phase, 'Failed')
})

test("Argo's retry-script: fails twice (counter file), succeeds on the third attempt; attempts are queryable", async () => {
  const counter = join(tmp.path, 'counter-1')
  const run = await runner().run(retryScript, { parameters: { counter } })
  assert.is(run.status, 'Succeeded', run.message)
  const s = run.step('retry-script')
  assert.equal(s.attempts.map((a) => a.exitCode), [1, 1, 0])
  assert.equal(run.steps({ retried: true }).map((x) => x.id), ['retry-script'])
  // earlier attempts' logs are kept apart
  const again = await openRun(run.dir)
  assert.is(again.step('retry-script').attempts.length, 3)
  assert.match(s.log(), 'attempt 3')
})

test("Argo's retry-backoff: waits duration × factor^n between attempts (within tolerance)", async () => {
  const run = await runner().run(backoff({ duration: 0.2, factor: 2 }), { parameters: { counter: join(tmp.path, 'counter-2') } })
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('retry-backoff').attempts.length, 3)
  const [gap1, gap2] = backoffGaps(run.step('retry-backoff')) as [number, number]
  assert.ok(gap1 >= 0.19 && gap1 < 0.45, `first wait ${gap1}s, expected 0.2s`)
  assert.ok(gap2 >= 0.39 && gap2 < 0.65, `second wait ${gap2}s, expected 0.4s`)
})

test('a backoff sleep is cut short when the run is stopped', async () => {
  const fail = shell({ name: 'fail', script: () => sh`exit 1` })
  const ctl = new AbortController()
  setTimeout(() => ctl.abort('stop'), 300)
  const t0 = Date.now()
  const run = await runner().run(workflow('abortable', step('f', fail, {}, { retry: { limit: 3, backoff: { duration: 30 } } })), { signal: ctl.signal })
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`)
  assert.is(run.status, 'Failed')
  assert.is(run.step('f').attempts.length, 1)
})

test("Argo's timeouts-step: prints 123, times out, and leaves no process behind", async () => {
  const run = await runner().run(timeoutsStep(0.3))
  assert.is(run.status, 'Failed')
  const s = run.step('sleep')
  assert.match(s.message ?? '', 'timed out after 0.3s')
  assert.match(s.log(), '123')
  // by working folder (other lanes' tests run timeouts-step's `sleep 86400` at the same time); the shared
  // launcher, which lives as long as this process, may have its working folder at the step it started last.
  // The group's signal reaches `sleep` with its shell, but the run can end a moment before `sleep` has died
  // (seen under load): it gets 2 s to go, far less than its 86,400 s.
  const left = () => processesUnder(run.dir).filter((p) => !p.includes('launcher.py'))
  await until(() => left().length === 0, 2000)
  assert.equal(left(), [])
})

test('a timed-out function OP is killed with the processes it started', async () => {
  const marker = '97.4242'
  const run = await runner().run(workflow('hang', step('h', hang, { marker }, { timeout: 0.5 })))
  assert.is(run.status, 'Failed')
  assert.match(run.step('h').message ?? '', 'timed out')
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(processesWith(`sleep ${marker}`), [])
})

test("Argo's dag-task-level-timeout: A and C succeed, B times out, the workflow fails", async () => {
  const run = await runner().run(dagTimeout)
  assert.is(run.status, 'Failed')
  assert.equal(['A', 'B', 'C'].map((n) => run.step(n).phase), ['Succeeded', 'Failed', 'Succeeded'])
  assert.match(run.step('B').message ?? '', 'timed out after 2.5s')
})

test("Argo's retry-conditional: retried while the expression on lastRetry holds (exit codes 2, 2), not after exit 1", async () => {
  const run = await runner().run(retryConditional, { parameters: { counter: join(tmp.path, 'counter-cond') } })
  assert.is(run.status, 'Failed')
  const s = run.step('retry')
  assert.equal(s.attempts.map((a) => [a.phase, a.exitCode]), [['Failed', 2], ['Failed', 2], ['Failed', 1]])
  assert.is(s.phase, 'Failed')
})

test('a retry expression reads each lastRetry variable of the attempt that just failed', async () => {
  const counter = join(tmp.path, 'counter-vars')
  // Retried while the message is the one of a non-zero exit and the attempt took under a minute; the third
  // attempt succeeds. With an expression and no policy, the policy is Always (as on Argo): an error is retried too.
  const flaky = shell({
    name: 'flaky',
    retry: { limit: 5, expression: expr`${lastRetry.status} == "Failed" && ${lastRetry.exitCode} == 3 && ${lastRetry.duration} < 60 && ${lastRetry.message} =~ "3"` },
    script: () => sh`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${counter}; [ "$n" -ge 3 ] || exit 3`,
  })
  const run = await runner().run(workflow('retry-vars', step('flaky', flaky)))
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('flaky').attempts.map((a) => a.exitCode), [3, 3, 0])
})

test('a retry expression that cannot be evaluated errors the step, as on Argo; false ends the retries', async () => {
  const bad = shell({ name: 'bad', retry: { limit: 3, expression: expr`asInt(${lastRetry.message}) > 0` }, script: () => sh`exit 4` })
  const run = await runner().run(workflow('retry-bad', step('bad', bad)))
  assert.is(run.step('bad').phase, 'Error')
  assert.match(run.step('bad').message ?? '', 'retry expression: asInt(')
  assert.is(run.step('bad').attempts.length, 1)
  const never = shell({ name: 'never', retry: { limit: 3, expression: expr`${lastRetry.exitCode} == 99` }, script: () => sh`exit 4` })
  const r2 = await runner().run(workflow('retry-never', step('never', never)))
  assert.equal(r2.step('never').attempts.map((a) => a.exitCode), [4])
  assert.is(r2.step('never').phase, 'Failed')
})

test('a retry expression is a condition on lastRetry only', () => {
  const s = shell({ name: 'ok', inputs: {}, script: () => sh`true` })
  const other = step('other', s)
  const msgs = (e: Expr) => validate(workflow('bad', step('a', s, {}, { retry: { limit: 1, expression: e } }))).map((p) => `${p.path.join('.')}: ${p.message}`).join('\n')
  assert.match(msgs(expr`${lastRetry.exitCode} + 1`), 'retry.expression: a condition must be boolean, not number')
  assert.match(msgs(expr`${lastRetry.status} == ${status(other)}`), 'a retry expression reads the last attempt only, not "$status"')
  assert.is(msgs(expr`${lastRetry.status} == "Failed"`), '')
})

test('which failures each policy retries, and the backoff sequence', async () => {
  const { shouldRetry, backoffSeconds } = await import('../../lib/engine/attempts.ts')
  const failed1 = { phase: 'Failed' as const, exitCode: 1 }
  const failed2 = { phase: 'Failed' as const, exitCode: 2 }
  const timedOut = { phase: 'Failed' as const, timedOut: true }
  const errored = { phase: 'Error' as const }
  const table = (policy: 'OnFailure' | 'OnError' | 'Always' | 'OnTransientError', transient = false) =>
    [failed1, failed2, timedOut, errored].map((r) => shouldRetry({ limit: 1, policy }, r, { seconds: 1, transient }))
  assert.equal(table('OnFailure'), [true, true, true, false])
  assert.equal(table('OnError'), [false, false, false, true])
  assert.equal(table('Always'), [true, true, true, true])
  assert.equal(table('OnTransientError'), [true, false, false, false])
  assert.equal(table('OnTransientError', true), [true, false, true, false])
  assert.equal([1, 2, 3, 4, 5].map((n) => backoffSeconds({ limit: 5, backoff: { duration: 1, factor: 2, cap: 5 } }, n)), [1, 2, 4, 5, 5])
})

test.run()
