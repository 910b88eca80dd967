import type { ContinueOn, Depends } from 'dflow-ts'
import type { Phase } from '../run/records.ts'

/** What a depends condition reads of a finished task: its phase, and for a fan-out its calls' phases. @example const e: TaskEnd = { phase: 'Failed' } */
export interface TaskEnd {
  readonly phase: Phase
  readonly calls?: readonly Phase[]
  /** The task's own continueOn: a bare name then holds on the failures it continues on, too. */
  readonly continueOn?: ContinueOn
  /** A daemon step that is ready and running (Argo's Daemoned). */
  readonly daemoned?: boolean
}

/**
 * Whether a dag task's `depends` condition holds once the tasks it names have finished (Argo's enhanced
 * depends: a bare name is Succeeded, Skipped or Daemoned, or a failure the task continues on; a task that never ran is Omitted).
 *
 * @example
 * ```ts
 * holds(and(on(a), or(on(c, 'Succeeded'), on(c, 'Failed'))), (n) => ({ phase: n === 'C' ? 'Failed' : 'Succeeded' })) // true
 * ```
 */
export const holds = (d: Depends, end: (step: string) => TaskEnd): boolean => {
  switch (d._tag) {
    case 'And':
      return d.items.every((x) => holds(x, end))
    case 'Or':
      return d.items.some((x) => holds(x, end))
    case 'Not':
      return !holds(d.item, end)
    case 'On': {
      const { phase, calls } = end(d.step)
      switch (d.outcome) {
        case 'Done': {
          // Argo's expansion of a bare name (workflow/common/ancestry.go): Succeeded, Skipped, Daemoned, and
          // Failed or Errored when the task continues on them.
          const c = end(d.step).continueOn
          return phase === 'Succeeded' || phase === 'Skipped' || !!end(d.step).daemoned || (phase === 'Failed' && !!c?.failed) || (phase === 'Error' && !!c?.error)
        }
        case 'Errored':
          return phase === 'Error'
        case 'Daemoned':
          return !!end(d.step).daemoned
        case 'AnySucceeded':
          return (calls ?? [phase]).some((p) => p === 'Succeeded')
        case 'AllFailed':
          return (calls ?? [phase]).every((p) => p === 'Failed' || p === 'Error')
        default:
          return phase === d.outcome
      }
    }
  }
}
