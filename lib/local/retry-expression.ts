import type { Expr } from 'dflow-ts'
import { readVar } from './control.ts'
import { evaluate, EvalError } from './expr-eval.ts'
import type { AttemptRecord } from './records.ts'

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
