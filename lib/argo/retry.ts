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
 * The fields a leaf template gets for the retry and timeout of a call: `retryStrategy`, and for the timeout
 * `activeDeadlineSeconds` (the pod's own limit; Kubernetes takes whole seconds only) or, for a part of a
 * second, Argo's `timeout` duration (`500ms`). Argo's source: the controller parses `timeout` with
 * `ParseStringToDuration` (pkg/apis/workflow/v1alpha1/utils.go: digits alone are seconds, else Go's
 * `time.ParseDuration`) and turns it into the node's deadline from its start (workflow/controller/operator.go
 * `checkTemplateTimeouts`, `getTimeoutAsDeadline`), which the pod's executor enforces; its validation refuses a
 * whole number as `timeout` (workflow/validate/validate.go), hence whole seconds stay activeDeadlineSeconds.
 * Rounding 0.5 s up to 1 s, as the compiler once did, gave the step twice its time.
 *
 * @example
 * ```ts
 * failureFields({ timeout: 10 }, {})  // { activeDeadlineSeconds: 10 }
 * failureFields({ timeout: 0.5 }, {}) // { timeout: '500ms' }
 * ```
 */
export const failureFields = (step: FailurePolicy, template: FailurePolicy): Record<string, unknown> => {
  const p = effectivePolicy(step, template)
  return {
    ...(p.retry ? { retryStrategy: retryStrategy(p.retry, p.timeout) } : {}),
    ...(p.timeout ? (Number.isInteger(p.timeout.seconds) ? { activeDeadlineSeconds: Math.max(1, p.timeout.seconds) } : { timeout: argoDuration(p.timeout.seconds) }) : {}),
  }
}
