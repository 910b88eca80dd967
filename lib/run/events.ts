import type { StepRecord, WorkflowRecord } from './records.ts'

/**
 * What the local interpreter reports while it runs: every change of a step's phase and of the workflow's
 * status. `dflow run` prints them as live progress.
 *
 * @example
 * ```ts
 * local({ onEvent: (e) => e.type === 'step' && console.log(e.step.id, e.step.phase) })
 * ```
 */
export type RunEvent =
  | { readonly type: 'workflow'; readonly workflow: WorkflowRecord; readonly dir: string }
  | { readonly type: 'step'; readonly step: StepRecord }
