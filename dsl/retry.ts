import { isLastRetryVar, varsOf, type Expr } from './expr/ast.ts'
import { conditionProblems } from './expr/types.ts'
import { problem, type Problem } from './problem.ts'

/**
 * When a failed attempt is retried: `OnFailure` (the step failed: non-zero exit, timeout), `OnError` (it
 * could not be run: bad inputs, missing outputs), `Always` (both), `OnTransientError` (only a
 * `TransientError`, exit code 1 — or a timeout when `timeoutIsTransient`; dflow's `retry_on_transient_error`).
 *
 * @example
 * ```ts
 * const p: RetryPolicy = 'OnTransientError'
 * ```
 */
export type RetryPolicy = 'OnFailure' | 'OnError' | 'Always' | 'OnTransientError'

/**
 * How long to wait before each retry: `duration` seconds, multiplied by `factor` after each retry, never
 * more than `cap` seconds; no retry starts after `maxDuration` seconds since the first attempt.
 *
 * @example
 * ```ts
 * const b: Backoff = { duration: 1, factor: 2, cap: 5 } // waits 1, 2, 4, 5, 5, … s
 * ```
 */
export interface Backoff {
  readonly duration: number
  readonly factor?: number
  readonly cap?: number
  readonly maxDuration?: number
}

/**
 * Retries of a template or a step: at most `limit` more attempts after the first, under `policy`
 * (default `OnFailure`; `Always` with an expression, as on Argo), with an optional backoff. An
 * `expression` (a condition on {@link lastRetry}: Argo's `retryStrategy.expression`) is evaluated after
 * each failed attempt that the policy would retry: the step is retried only while it holds.
 *
 * @example
 * ```ts
 * step('fit', train, {}, { retry: { limit: 3, policy: 'OnTransientError', backoff: { duration: 1, factor: 2 } } })
 * // Argo: retryStrategy: { limit: '3', retryPolicy: Always, expression: 'asInt(lastRetry.exitCode) == 1', backoff: … }
 * step('flaky', run, {}, { retry: { limit: 10, expression: expr`${lastRetry.exitCode} > 1 && ${lastRetry.status} != "Error"` } })
 * ```
 */
export interface Retry {
  readonly limit: number
  readonly policy?: RetryPolicy
  readonly backoff?: Backoff
  readonly expression?: Expr
}

/** The policy a retry applies: its own, else `Always` with an expression (Argo's RetryPolicyActual), else `OnFailure`. @example retryPolicyOf({ limit: 1, expression: e }) // 'Always' */
export const retryPolicyOf = (r: Retry): RetryPolicy => r.policy ?? (r.expression ? 'Always' : 'OnFailure')

/**
 * A time limit on one attempt, in seconds: the attempt's whole process tree is killed when it runs out.
 * `transient: true` counts a timeout as a transient error (retried under `OnTransientError`).
 *
 * @example
 * ```ts
 * const t: Timeout = { seconds: 10, transient: true }
 * ```
 */
export interface Timeout {
  readonly seconds: number
  readonly transient?: boolean
}

/** Retry and timeout settings, as templates and steps carry them (a step's win over its template's). @example const p: FailurePolicy = { retry: { limit: 1 }, timeout: 10 } */
export interface FailurePolicy {
  readonly retry?: Retry
  /** Seconds, or a {@link Timeout}. */
  readonly timeout?: number | Timeout
}

/** A timeout in its long form. @example timeoutOf(5) // { seconds: 5 } */
export const timeoutOf = (t: number | Timeout | undefined): Timeout | undefined => (t === undefined ? undefined : typeof t === 'number' ? { seconds: t } : t)

/**
 * The retry and timeout that apply to a call: the step's settings, else the template's.
 *
 * @example
 * ```ts
 * effectivePolicy({ retry: { limit: 1 } }, { timeout: 5 }) // { retry: { limit: 1 }, timeout: { seconds: 5 } }
 * ```
 */
export const effectivePolicy = (step: FailurePolicy, template: FailurePolicy): { readonly retry?: Retry; readonly timeout?: Timeout } => {
  const retry = step.retry ?? template.retry
  const timeout = timeoutOf(step.timeout ?? template.timeout)
  return { ...(retry ? { retry } : {}), ...(timeout ? { timeout } : {}) }
}

const positive = (v: number | undefined) => v === undefined || (Number.isFinite(v) && v > 0)

/**
 * Problems with retry and timeout settings (negative limits, zero durations…), for validation.
 *
 * @example
 * ```ts
 * failurePolicyProblems({ retry: { limit: -1 } }, ['wf', 'a']) // [{ path: ['wf', 'a', 'retry', 'limit'], … }]
 * ```
 */
export const failurePolicyProblems = (p: FailurePolicy, path: readonly string[]): Problem[] => {
  const out: Problem[] = []
  const r = p.retry
  if (r) {
    if (!(Number.isInteger(r.limit) && r.limit >= 0)) out.push(problem([...path, 'retry', 'limit'], `retry limit must be a whole number >= 0, got ${r.limit}`))
    if (r.expression) {
      const at = [...path, 'retry', 'expression']
      out.push(...conditionProblems(r.expression).map((m) => problem(at, m)))
      for (const v of varsOf(r.expression))
        if (!isLastRetryVar(v)) out.push(problem(at, `a retry expression reads the last attempt only, not "${v.name}"`, 'use lastRetry.exitCode, lastRetry.status, lastRetry.duration or lastRetry.message'))
    }
    const b = r.backoff
    if (b && !(positive(b.duration) && positive(b.factor) && positive(b.cap) && positive(b.maxDuration)))
      out.push(problem([...path, 'retry', 'backoff'], 'backoff duration, factor, cap and maxDuration must be positive numbers'))
  }
  const t = timeoutOf(p.timeout)
  if (t && !positive(t.seconds)) out.push(problem([...path, 'timeout'], `timeout must be a positive number of seconds, got ${t.seconds}`))
  return out
}
