import { effectivePolicy, type LeafTemplate, type Step } from 'dflow-ts'
import { runAttempts, type AttemptResult } from './attempts.ts'
import { runFnLeaf } from '../local/fn-leaf.ts'
import { runLeaf, type LeafContext } from '../local/leaf.ts'
import { watchProgress } from '../local/progress.ts'
import type { AttemptRecord } from '../run/records.ts'
import type { Value } from './values.ts'

/** What a leaf step reports while it runs: it started (again), or its progress changed. */
export interface LeafStepState {
  readonly attempts: readonly AttemptRecord[]
  readonly progress: string | undefined
  /** Whether this is the first attempt starting (the step's start time). */
  readonly first: boolean
}

/**
 * Runs a call of a leaf template (script or function OP) with its retries and timeout, watching its
 * progress file while its process runs. `onRunning` is called when an attempt starts and when the
 * progress changes; the result is the last attempt's, with every attempt's record (when the call has a
 * retry or timeout) and the last progress.
 *
 * @example
 * ```ts
 * const r = await runLeafStep('hello1', s, 'hello1', duplicate, inputs, leafCtx, 200, signal, (st) => record({ phase: 'Running', … }))
 * r.result.phase // 'Succeeded'
 * ```
 */
export const runLeafStep = async (
  id: string,
  s: Step,
  stepKey: string,
  t: LeafTemplate,
  inputs: Readonly<Record<string, Value>>,
  leaf: Omit<LeafContext, 'onStart'>,
  pollMs: number,
  signal: AbortSignal,
  onRunning: (state: LeafStepState) => void,
): Promise<{ readonly result: AttemptResult; readonly attempts: readonly AttemptRecord[]; readonly progress: string | undefined }> => {
  let attempts: readonly AttemptRecord[] = []
  let progress: string | undefined
  const progressFile = leaf.layout.progress(id)
  // The progress file is polled only once the step's process has started (not while it waits for a slot).
  let stopWatching: (() => Promise<void>) | undefined
  const onStart = () => {
    onRunning({ attempts, progress, first: attempts.length === 0 })
    stopWatching ??= watchProgress(progressFile, pollMs, (p) => {
      progress = p
      onRunning({ attempts, progress, first: false })
    })
  }
  const ctx: LeafContext = { ...leaf, onStart, progressFile }
  const attempt = (sig: AbortSignal) => {
    switch (t._tag) {
      case 'ScriptTemplate':
        return runLeaf(id, t, inputs, ctx, sig)
      case 'FnTemplate':
        return runFnLeaf(id, t, inputs, ctx, sig, stepKey)
    }
  }
  const policy = effectivePolicy(s, t)
  const out = await runAttempts(attempt, policy, signal, leaf.layout.stepDir(id), (a) => {
    if (policy.retry || policy.timeout) attempts = [...attempts, a]
  })
  await stopWatching?.()
  return { result: out.result, attempts, progress }
}
