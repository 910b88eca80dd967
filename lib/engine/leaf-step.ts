import { effectivePolicy, type Step } from 'dflow-ts'
import { runAttempts, type AttemptResult } from './attempts.ts'
import type { LeafCall, LeafEvent, LeafExecutor } from './executor.ts'
import type { AttemptRecord, JobRecord } from '../run/records.ts'

/** What a leaf step reports while it runs: it started (again), or its progress changed. */
export interface LeafStepState {
  readonly attempts: readonly AttemptRecord[]
  readonly progress: string | undefined
  /** The batch job the call runs in, if it runs in one. */
  readonly job?: JobRecord
  /** Whether this is the first attempt starting (the step's start time). */
  readonly first: boolean
  /** Whether the executor just reported the call ready (a daemon's readiness probe succeeded). */
  readonly ready?: true
}

/**
 * Runs a call of a leaf template (script or function OP) through the executor, with its retries and
 * timeout. `onRunning` is called when an attempt starts and when the progress changes; the result is the
 * last attempt's, with every attempt's record (when the call has a retry or timeout) and the last progress.
 *
 * @example
 * ```ts
 * const r = await runLeafStep({ runId, stepId: 'hello1', stepName: 'hello1', key: undefined, template: duplicate, inputs, parameters }, s, executor, signal, (st) => record({ phase: 'Running', … }))
 * r.result.phase // 'Succeeded'
 * ```
 */
export const runLeafStep = async (
  call: Omit<LeafCall, 'attempt'>,
  s: Step,
  executor: LeafExecutor,
  signal: AbortSignal,
  onRunning: (state: LeafStepState) => void,
): Promise<{ readonly result: AttemptResult; readonly attempts: readonly AttemptRecord[]; readonly progress: string | undefined }> => {
  let attempts: readonly AttemptRecord[] = []
  let progress: string | undefined
  let job: JobRecord | undefined
  const policy = effectivePolicy(s, call.template)
  const on = (e: LeafEvent) => {
    if (e.type === 'progress') progress = e.progress
    if (e.type === 'job') job = e.job
    onRunning({ attempts, progress, ...(job ? { job } : {}), first: e.type === 'started' && attempts.length === 0, ...(e.type === 'ready' ? { ready: true as const } : {}) })
  }
  const out = await runAttempts(
    (sig, attempt) => executor.run({ ...call, attempt }, sig, on),
    policy,
    signal,
    (attempt) => executor.archive?.({ ...call, attempt }),
    (a) => {
      if (policy.retry || policy.timeout) attempts = [...attempts, a]
    },
  )
  return { result: out.result, attempts, progress }
}
