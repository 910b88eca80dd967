import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expr, key, lastRetry, param, seq, sh, shell, step, subflow, t, validate, workflow } from 'dflow-ts'
import { local, openRun, restart } from 'dflow-ts/local'
import { toYaml } from 'dflow-ts/argo'
import retryExample, { retrySubflow } from '../../examples/control/retry-subflow.ts'
import { compileChecked, templateNamed } from '../argo/support/checked.ts'
import { killedWhileRunning } from '../helpers/killed-run.ts'
import { backoffGaps } from '../helpers/backoff.ts'
import { tempDir } from '../helpers/tmp.ts'

/** A sub-workflow's retry: each attempt runs its whole body again from scratch, as Argo's retry node of a steps or dag template. */
const test = suite('local: a retried sub-workflow')
const tmp = tempDir('retry-subflow')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: tmp.path })
const counter = (name: string) => join(tmp.path, `counter-${name}`)

test('a failed attempt runs every step of the body again; the outputs are the succeeded attempt’s; attempts are counted', async () => {
  const run = await runner().run(retryExample, { parameters: { counter: counter('example') } })
  assert.is(run.status, 'Succeeded', run.message)
  const r = run.step('retry')
  assert.equal(r.attempts.map((a) => [a.attempt, a.phase]), [[0, 'Failed'], [1, 'Succeeded']])
  assert.match(r.attempts[0]!.message ?? '', 'step retry(0).check failed')
  assert.is(r.outputs.n, 2)
  assert.equal(run.steps({ retried: true }).map((s) => s.id), ['retry'])
  // both attempts' steps are kept, each attempt a step of its own under the call
  assert.equal(
    run.steps().filter((s) => s.id !== 'retry').map((s) => [s.id, s.phase]),
    [['retry(0)', 'Failed'], ['retry(0).count', 'Succeeded'], ['retry(0).check', 'Failed'], ['retry(1)', 'Succeeded'], ['retry(1).count', 'Succeeded'], ['retry(1).check', 'Succeeded']],
  )
  assert.is(run.step('retry(0).count').outputs.n, 1)
  assert.is(run.step('retry(1).count').outputs.n, 2)
  assert.is(readFileSync(counter('example'), 'utf8').trim(), '2', 'count ran once per attempt')
  // the journal keeps them: a run read again from its folder says the same
  const again = await openRun(run.dir)
  assert.is(again.step('retry').attempts.length, 2)
  assert.is(again.step('retry(0).check').phase, 'Failed')
})

test('the limit is respected: limit 2 is three attempts, then the call fails with the last attempt’s message', async () => {
  const run = await runner().run(retrySubflow({ limit: 2 }), { parameters: { counter: counter('limit'), pass: '9' } })
  assert.is(run.status, 'Failed')
  const r = run.step('retry')
  assert.equal(r.attempts.map((a) => a.phase), ['Failed', 'Failed', 'Failed'])
  assert.is(r.phase, 'Failed')
  assert.match(r.message ?? '', 'step retry(2).check failed')
  assert.is(readFileSync(counter('limit'), 'utf8').trim(), '3')
})

test('the policy and the expression: OnError does not retry a failure; an expression that does not hold ends the retries', async () => {
  const onError = await runner().run(retrySubflow({ limit: 2, policy: 'OnError' }), { parameters: { counter: counter('policy'), pass: '9' } })
  assert.equal(onError.step('retry').attempts.map((a) => a.phase), ['Failed'])
  // a sub-workflow has no exit code: lastRetry.exitCode reads -1, as Argo's buildRetryStrategyLocalScope gives it
  const byStatus = await runner().run(retrySubflow({ limit: 5, expression: expr`${lastRetry.status} == "Failed" && ${lastRetry.exitCode} == -1` }), { parameters: { counter: counter('expr'), pass: '3' } })
  assert.is(byStatus.status, 'Succeeded', byStatus.message)
  assert.is(byStatus.step('retry').attempts.length, 3)
  const never = await runner().run(retrySubflow({ limit: 5, expression: expr`${lastRetry.exitCode} == 1` }), { parameters: { counter: counter('never'), pass: '3' } })
  assert.equal(never.step('retry').attempts.map((a) => a.phase), ['Failed'])
})

test('the backoff is waited between attempts: duration × factor^n', async () => {
  const run = await runner().run(retrySubflow({ limit: 3, backoff: { duration: 0.3, factor: 2 } }), { parameters: { counter: counter('backoff'), pass: '3' } })
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('retry').attempts.length, 3)
  const [gap1, gap2] = backoffGaps(run.step('retry')) as [number, number]
  assert.ok(gap1 >= 0.29 && gap1 < 0.9, `first wait ${gap1}s, expected 0.3s`)
  assert.ok(gap2 >= 0.59 && gap2 < 1.2, `second wait ${gap2}s, expected 0.6s`)
})

test('a keyed step inside a retried sub-workflow keeps its key in the attempt that runs again', async () => {
  const flaky = shell({
    name: 'flaky',
    inputs: { counter: param(t.string) },
    script: ({ counter: c }) => sh`n=$(cat ${c} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${c}; [ "$n" -ge 2 ]`,
  })
  const sub = subflow({ name: 'sub', inputs: { counter: param(t.string) }, retry: { limit: 1 }, body: ({ counter: c }) => seq(step('f', flaky, { counter: c }, { key: key`the-one` })) })
  const run = await runner().run(workflow('keyed-retry', step('s', sub, { counter: counter('keyed') })))
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step({ key: 'the-one', phase: 'Succeeded' }).id, 's(1).f')
})

test('validation: a sub-workflow’s retry is checked; OnTransientError (it reads an exit code) is refused', () => {
  const ok = shell({ name: 'ok', script: () => sh`true` })
  const msgs = (retry: Parameters<typeof subflow>[0]['retry']) =>
    validate(workflow('w', step('s', subflow({ name: 'sub', retry, body: () => step('a', ok) })))).map((p) => `${p.path.join('.')}: ${p.message}`).join('\n')
  assert.match(msgs({ limit: -1 }), 'templates.sub.retry.limit: retry limit must be a whole number >= 0')
  assert.match(msgs({ limit: 1, policy: 'OnTransientError' }), 'templates.sub.retry.policy: a sub-workflow has no exit code')
  assert.is(msgs({ limit: 1, backoff: { duration: 1 } }), '')
})

test('Argo: the sub-workflow’s template gets the retryStrategy, and the manifest passes the schema', () => {
  const m = compileChecked(retrySubflow({ limit: 3, backoff: { duration: 2, factor: 2, cap: 60 }, expression: expr`${lastRetry.status} == "Failed"` }))
  assert.equal(templateNamed(m, 'attempt').retryStrategy, { limit: '3', retryPolicy: 'Always', expression: "lastRetry.status == 'Failed'", backoff: { duration: '2', factor: '2', cap: '1m' } })
  assert.ok(templateNamed(m, 'attempt').steps)
  assert.match(toYaml(m), 'retryStrategy:')
})

test('restart after kill -9 during attempt 1: the failed attempt is not run again, the run carries on from attempt 1', async () => {
  const runs = join(tmp.path, 'restart-runs')
  const log = join(tmp.path, 'restart-log')
  const gate = join(tmp.path, 'restart-gate')
  const env = { DFLOW_RESTART_LOG: log, DFLOW_RESTART_GATE: gate, DFLOW_RETRY_COUNTER: counter('restart') }
  // the restart runs in this process: its steps read the same variables
  Object.assign(process.env, env)
  const dir = await killedWhileRunning('test/fixtures/restartable-retry.ts', runs, 'retry(1).check', env)
  writeFileSync(gate, '')
  const run = await restart(dir)
  assert.is(run.status, 'Succeeded', run.message)
  const r = run.step('retry')
  assert.equal(r.attempts.map((a) => [a.attempt, a.phase]), [[0, 'Failed'], [1, 'Succeeded']])
  assert.is(r.outputs.n, 2)
  // each step ran once per attempt: attempt 0's failed check is not run again, attempt 1's count was settled
  assert.equal(readFileSync(log, 'utf8').split('\n').filter(Boolean), ['count 1', 'fail 1', 'count 2', 'check 2'])
  assert.is(run.step('retry(0).check').phase, 'Failed')
  rmSync(gate, { force: true })
})

test.run()
