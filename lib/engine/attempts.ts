import type { Retry, Timeout } from 'dflow-ts'
import type { AttemptRecord } from '../run/records.ts'
import type { LeafResult } from './executor.ts'

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
  switch (retry.policy ?? 'OnFailure') {
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
 * out, and its message says so), retried as the policy says after the backoff (a sleep that a stop
 * interrupts; `archive(n)` is called before attempt n + 1 starts, so that the executor can keep what attempt
 * n left. Returns the last attempt's result and every attempt's record.
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
): Promise<{ readonly result: AttemptResult; readonly attempts: readonly AttemptRecord[] }> => {
  const attempts: AttemptRecord[] = []
  const first = Date.now()
  for (let n = 0; ; n++) {
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
    if (!retry || signal.aborted || n >= retry.limit || !shouldRetry(retry, result, t)) return { result, attempts }
    const wait = backoffSeconds(retry, n + 1)
    const max = retry.backoff?.maxDuration
    if (max !== undefined && (Date.now() - first) / 1000 + wait > max) return { result, attempts }
    if (!(await sleep(wait, signal))) return { result, attempts }
    await archive(n)
  }
}
