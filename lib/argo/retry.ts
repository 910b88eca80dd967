import { effectivePolicy, LAST_RETRY_VARS, retryPolicyOf, type ExprVar, type FailurePolicy, type Retry, type Timeout } from 'dflow-ts'
import { printCondition } from './expr-print.ts'

/** Seconds as an Argo duration string: whole minutes as "1m", whole seconds bare ("10"), else milliseconds ("500ms"). @example argoDuration(0.5) // '500ms' */
export const argoDuration = (seconds: number): string =>
  Number.isInteger(seconds) ? (seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60}m` : String(seconds)) : `${Math.round(seconds * 1000)}ms`

/** A retry expression as Argo's `retryStrategy.expression`: expr-lang over `lastRetry.*`. */
const retryExpression = (r: Retry, at: readonly string[]): string | undefined =>
  r.expression && printCondition(r.expression, (v: ExprVar) => LAST_RETRY_VARS[v.name] ?? v.name, at)

/**
 * Argo's `retryStrategy` for a retry setting: `limit`; `retryPolicy` OnFailure, OnError or Always (the
 * default with an expression, as Argo's); the retry expression; for `OnTransientError`, policy Always with
 * the expression dflow uses (`asInt(lastRetry.exitCode) == 1`, or `!= 2` when a timeout counts as
 * transient), and with the retry expression too; the backoff's duration, factor, cap and maxDuration.
 *
 * @example
 * ```ts
 * retryStrategy({ limit: 2, policy: 'OnTransientError' }, undefined)
 * // { limit: '2', retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) == 1' }
 * ```
 */
export const retryStrategy = (r: Retry, timeout: Timeout | undefined, at: readonly string[] = ['retry', 'expression']): Record<string, unknown> => {
  const policy = retryPolicyOf(r)
  const b = r.backoff
  const own = retryExpression(r, at)
  const transient = policy === 'OnTransientError' ? (timeout?.transient ? 'asInt(lastRetry.exitCode) != 2' : 'asInt(lastRetry.exitCode) == 1') : undefined
  const expression = transient && own ? `(${transient}) && (${own})` : (transient ?? own)
  return {
    limit: String(r.limit),
    retryPolicy: policy === 'OnTransientError' ? 'Always' : policy,
    ...(expression ? { expression } : {}),
    ...(b
      ? {
          backoff: {
            duration: argoDuration(b.duration),
            ...(b.factor !== undefined ? { factor: String(b.factor) } : {}),
            ...(b.cap !== undefined ? { cap: argoDuration(b.cap) } : {}),
            ...(b.maxDuration !== undefined ? { maxDuration: argoDuration(b.maxDuration) } : {}),
          },
        }
      : {}),
  }
}

/**
 * The fields a leaf template gets for the retry and timeout of a call: `retryStrategy` and
 * `activeDeadlineSeconds` (whole seconds, rounded up: Argo kills the pod when it runs out).
 *
 * @example
 * ```ts
 * failureFields({ timeout: 10 }, {}) // { activeDeadlineSeconds: 10 }
 * ```
 */
export const failureFields = (step: FailurePolicy, template: FailurePolicy): Record<string, unknown> => {
  const p = effectivePolicy(step, template)
  return {
    ...(p.retry ? { retryStrategy: retryStrategy(p.retry, p.timeout) } : {}),
    ...(p.timeout ? { activeDeadlineSeconds: Math.max(1, Math.ceil(p.timeout.seconds)) } : {}),
  }
}
