import type { AttemptRecord, StepRecord } from '../run/records.ts'

/**
 * The id of attempt `n` of a retried sub-workflow call `id`: its steps run under it (`outer(1).a`), so that
 * every attempt's steps keep their own records, as Argo's retry node keeps a child `NAME(n)` per attempt
 * (workflow/controller/operator.go, executeTemplate: `fmt.Sprintf("%s(%d)", retryNodeName, retryNum)`) and
 * the steps of a steps or dag template under that child.
 *
 * @example
 * ```ts
 * attemptId('outer', 1) // 'outer(1)'
 * ```
 */
export const attemptId = (id: string, n: number): string => `${id}(${n})`

/**
 * The attempts of a retried sub-workflow call that a restart carries on from: those an earlier driver of the
 * run recorded as ended on the same call (same kind, same template) that did not end it — the call was still
 * running (its next attempt runs now, numbered after them), or it succeeded (the succeeded attempt runs again,
 * its steps settled by the restart's prior). A call that ended Failed or Error is run afresh from attempt 0, as
 * a restart runs a failed leaf again.
 *
 * @example
 * ```ts
 * resumedAttempts({ ...record, phase: 'Running', attempts: [{ attempt: 0, phase: 'Failed' }] }, record) // [{ attempt: 0, phase: 'Failed' }]
 * ```
 */
export const resumedAttempts = (was: StepRecord | undefined, call: Pick<StepRecord, 'type' | 'template'>): readonly AttemptRecord[] => {
  if (!was || was.type !== call.type || was.template !== call.template || was.phase === 'Failed' || was.phase === 'Error') return []
  return (was.attempts ?? []).filter((a) => a.phase !== 'Succeeded')
}
