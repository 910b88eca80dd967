import { hostname } from 'node:os'
import { driverState } from './driver.ts'
import { FINAL_PHASES, type StepRecord, type WorkflowRecord } from './records.ts'

/** At most this many running steps are named in an interrupted run's message. */
const NAMED = 10

/**
 * How a run folder reads once its driver's fate is known. A run whose `workflow.json` says it is not
 * finished while its driver is gone (killed outright, or stopped by a full disk before it could write a
 * final state) reads as Failed with `interrupted: true`, and so does each step that was not finished;
 * the message says when the run was last heard of (its last journal record, else its start) and which
 * steps were running. A run recorded on another host keeps its status, with a message saying that this
 * host cannot tell. Anything else is returned as it is.
 *
 * @example
 * ```ts
 * const { workflow, steps } = withDriverFate(wf, readJournal(journal), '2026-11-25T10:45:13.000Z')
 * workflow.status      // 'Failed'
 * workflow.interrupted // true
 * workflow.message     // 'interrupted: its driver (pid 4242 on node-1) is gone; last journal record at …; steps a, b were running'
 * ```
 */
export const withDriverFate = (
  wf: WorkflowRecord,
  records: readonly StepRecord[],
  lastRecordAt: string | undefined,
): { readonly workflow: WorkflowRecord; readonly steps: readonly StepRecord[] } => {
  if (FINAL_PHASES.has(wf.status)) return { workflow: wf, steps: records }
  const state = driverState(wf)
  if (state === 'alive') return { workflow: wf, steps: records }
  if (state === 'unknown') {
    const message = `recorded on host ${wf.host}: from ${hostname()} it cannot be told whether its driver (pid ${wf.pid}) still runs`
    return { workflow: { ...wf, message }, steps: records }
  }
  const unfinished = records.filter((r) => !FINAL_PHASES.has(r.phase))
  const leaves = unfinished.filter((r) => r.type === 'Pod')
  const named = (leaves.length ? leaves : unfinished).map((r) => r.id)
  const running =
    named.length === 0
      ? 'no step was running'
      : `${named.length === 1 ? 'step' : 'steps'} ${named.slice(0, NAMED).join(', ')}${named.length > NAMED ? ` and ${named.length - NAMED} more` : ''} ${named.length === 1 ? 'was' : 'were'} running`
  const when = lastRecordAt ? `last journal record at ${lastRecordAt}` : `no journal record since it started at ${wf.startedAt}`
  const message = `interrupted: its driver (pid ${wf.pid}${wf.host ? ` on ${wf.host}` : ''}) is gone; ${when}; ${running}`
  const stepMessage = 'interrupted: the run\'s driver stopped while this step ran'
  return {
    workflow: { ...wf, status: 'Failed', interrupted: true, message },
    steps: records.map((r) => (FINAL_PHASES.has(r.phase) ? r : { ...r, phase: 'Failed', interrupted: true, message: stepMessage })),
  }
}
