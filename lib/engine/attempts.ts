import { retryPolicyOf, type Expr, type Retry, type Timeout } from 'dflow-ts'
import type { AttemptRecord } from '../run/records.ts'
import { readVar } from './control.ts'
import type { LeafResult } from './executor.ts'
import { evaluate, EvalError } from './expr-eval.ts'

/** How an attempt ended, with whether it ran out of time. @example const r: AttemptResult = { ...errorResult('x'), phase: 'Failed', timedOut: true } */
export type AttemptResult = LeafResult & { readonly timedOut?: boolean }

/**
 * Whether a failed attempt is retried under a policy: `OnFailure` retries a failure (non-zero exit or
 * timeout), `OnError` an error, `Always` both, `OnTransientError` only exit code 1 (a `TransientError`) or
 * a timeout counted as transient.
 *
 * @example
 * ```ts
 * shouldRetry({ limit: 1, policy: 'OnTransientError' }, { phase: 'Failed', exitCode: 2 }, undefined) // false
 * ```
 */
export const shouldRetry = (retry: Retry, r: Pick<AttemptResult, 'phase' | 'exitCode' | 'timedOut'>, timeout: Timeout | undefined): boolean => {
  if (r.phase === 'Succeeded') return false
  switch (retryPolicyOf(retry)) {
    case 'Always':
      return true
    case 'OnFailure':
      return r.phase === 'Failed'
    case 'OnError':
      return r.phase === 'Error'
    case 'OnTransientError':
      return r.phase === 'Failed' && (r.timedOut ? !!timeout?.transient : r.exitCode === 1)
  }
}

/**
 * The wait before retry number `n` (1 for the first retry), in seconds: `duration × factor^(n-1)`, at
 * most `cap`; 0 without a backoff.
 *
 * @example
 * ```ts
 * backoffSeconds({ limit: 5, backoff: { duration: 1, factor: 2, cap: 5 } }, 4) // 5
 * ```
 */
export const backoffSeconds = (retry: Retry, n: number): number => {
  const b = retry.backoff
  if (!b) return 0
  const d = b.duration * (b.factor ?? 1) ** (n - 1)
  return b.cap !== undefined ? Math.min(d, b.cap) : d
}

/**
 * The wire values of `lastRetry.*` after an attempt, by the reserved names of `lastRetry`, as Argo's
 * controller sets them: the exit code as text (`-1` without one), the phase, the duration in whole seconds
 * (Argo's timestamps have second precision), the message.
 *
 * @example
 * ```ts
 * lastRetryWires({ attempt: 0, phase: 'Failed', exitCode: 2 }) // { '$lastRetry.exitCode': '2', '$lastRetry.status': 'Failed', … }
 * ```
 */
export const lastRetryWires = (a: AttemptRecord): Readonly<Record<string, string>> => {
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)
  return {
    '$lastRetry.exitCode': String(a.exitCode ?? -1),
    '$lastRetry.status': a.phase,
    '$lastRetry.duration': String(a.startedAt && a.finishedAt ? seconds(a.finishedAt) - seconds(a.startedAt) : 0),
    '$lastRetry.message': a.message ?? '',
  }
}

/**
 * Whether a retry expression holds after a failed attempt, read with that attempt's {@link lastRetryWires}.
 * An expression that cannot be evaluated is an error (Argo errors the node), returned as its message.
 *
 * @example
 * ```ts
 * retryExpressionHolds(expr`${lastRetry.exitCode} > 1`, { attempt: 0, phase: 'Failed', exitCode: 2 }) // true
 * ```
 */
export const retryExpressionHolds = (e: Expr, a: AttemptRecord): boolean | { readonly error: string } => {
  const params = Object.fromEntries(Object.entries(lastRetryWires(a)).map(([k, wire]) => [k, { kind: 'param' as const, wire }]))
  try {
    return evaluate(e, readVar({ inputs: {}, params, steps: new Map() })) === true
  } catch (err) {
    if (err instanceof EvalError) return { error: `retry expression: ${err.message}` }
    throw err
  }
}

/** Waits, unless the signal stops it first (then resolves false). @example await sleep(0.5, signal) */
export const sleep = (seconds: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const onAbort = () => {
      clearTimeout(t)
      resolve(false)
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, seconds * 1000)
    signal.addEventListener('abort', onAbort, { once: true })
  })

/**
 * Runs a leaf's attempts: each under the timeout (the attempt's whole process tree is killed when it runs
 * out, and its message says so), retried as the policy and the retry expression say after the backoff (a
 * sleep that a stop interrupts); `archive(n)` is called before attempt n + 1 starts, so that the executor can
 * keep what attempt n left. Returns the last attempt's result and every attempt's record. `earlier`: the
 * attempts an earlier driver of the run recorded as ended (a restart of a retried sub-workflow): they count
 * towards the limit, the next attempt is numbered after them and starts without a backoff.
 *
 * @example
 * ```ts
 * const { result, attempts } = await runAttempts((signal, n) => executor.run({ ...call, attempt: n }, signal, on), { retry, timeout }, signal, (n) => executor.archive?.({ ...call, attempt: n }))
 * ```
 */
export const runAttempts = async (
  attempt: (signal: AbortSignal, n: number) => Promise<LeafResult>,
  policy: { readonly retry?: Retry; readonly timeout?: Timeout },
  signal: AbortSignal,
  archive: (n: number) => void | Promise<void>,
  onAttempt: (a: AttemptRecord) => void = () => {},
  earlier: readonly AttemptRecord[] = [],
): Promise<{ readonly result: AttemptResult; readonly attempts: readonly AttemptRecord[] }> => {
  const attempts: AttemptRecord[] = [...earlier]
  const first = earlier[0]?.startedAt ? Date.parse(earlier[0].startedAt) : Date.now()
  for (let n = earlier.length; ; n++) {
    let timedOut = false
    const t = policy.timeout
    const startedAt = new Date().toISOString()
    let result: AttemptResult
    if (!t) result = await attempt(signal, n)
    else {
      // Only a timed attempt needs a signal of its own (a listener per waiting step would pile up on a wide fan-out).
      const ctl = new AbortController()
      const stop = () => ctl.abort(signal.reason)
      signal.addEventListener('abort', stop, { once: true })
      const timer = setTimeout(() => {
        timedOut = true
        ctl.abort(`timed out after ${t.seconds}s`)
      }, t.seconds * 1000)
      result = await attempt(ctl.signal, n)
      clearTimeout(timer)
      signal.removeEventListener('abort', stop)
    }
    if (timedOut && !signal.aborted) result = { ...result, phase: 'Failed', timedOut: true, message: `timed out after ${t!.seconds}s (its processes were killed)` }
    const rec: AttemptRecord = {
      attempt: n,
      phase: result.phase,
      startedAt,
      ...(result.finishedAt ? { finishedAt: result.finishedAt } : { finishedAt: new Date().toISOString() }),
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(result.signal ? { signal: result.signal } : {}),
      ...(result.message ? { message: result.message } : {}),
      ...(result.timedOut ? { timedOut: true } : {}),
    }
    attempts.push(rec)
    onAttempt(rec)
    const retry = policy.retry
    // As Argo's controller: a failed attempt's retry expression first (false ends the retries, an error
    // errors the step), then the limit, then the policy.
    const holds = retry?.expression && result.phase !== 'Succeeded' && !signal.aborted ? retryExpressionHolds(retry.expression, rec) : true
    if (typeof holds === 'object') return { result: { ...result, phase: 'Error', message: holds.error }, attempts }
    if (!retry || !holds || signal.aborted || n >= retry.limit || !shouldRetry(retry, result, t)) return { result, attempts }
    const wait = backoffSeconds(retry, n + 1)
    const max = retry.backoff?.maxDuration
    if (max !== undefined && (Date.now() - first) / 1000 + wait > max) return { result, attempts }
    if (!(await sleep(wait, signal))) return { result, attempts }
    await archive(n)
  }
}
