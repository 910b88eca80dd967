/**
 * The seam between the engine and whatever runs a leaf: a local process, a batch job on Slurm, a pod.
 *
 * The engine (lib/engine) is the one scheduler with Argo's semantics — sequences, dags, fan-outs, `when`,
 * recursion, keys, retries, timeouts, thresholds, exit hooks. Once it has decided that one call of a leaf
 * template runs now, with these inputs, it hands the call to a {@link LeafExecutor} and waits for a
 * {@link LeafResult}. Everything about *how* the call runs (where its files are, how a process or a job is
 * started and stopped, how output files are read back) is the executor's; everything about *whether and
 * when* it runs, and what its result means for the rest of the workflow, is the engine's.
 *
 * Attempts are the engine's: a retried step is several calls of {@link LeafExecutor.run} with increasing
 * {@link LeafCall.attempt}; a timed attempt gets a signal that the engine aborts when the time is up. Between
 * two attempts the engine calls {@link LeafExecutor.archive}, so that the executor can keep what the failed
 * attempt left (the local executor moves its step folder to `attempts/<n>/`).
 *
 * The interface names no process, no spawner and no local path: an implementation may run the call anywhere.
 * Artifact values in {@link LeafCall.inputs} and {@link LeafResult.outputs} are what the run's artifact store
 * gives (see `values.ts`).
 *
 * @example
 * ```ts
 * const echo: LeafExecutor = {
 *   slots: 4,
 *   run: async (call, signal, on) => {
 *     on({ type: 'started' })
 *     return { phase: 'Succeeded', outputs: {}, record: EMPTY_IO, exitCode: 0 }
 *   },
 * }
 * ```
 *
 * @module
 */
import type { BatchJobOptions, LeafTemplate } from 'dflow-ts'
import type { IoRecord, JobRecord, Phase } from '../run/records.ts'
import type { ArtifactLocation } from '../storage/location.ts'
import type { StackSource } from './fan-in.ts'
import type { EarlierAttempt } from './prior.ts'
import type { Reused } from '../run/reused.ts'
import type { Outputs, Value } from './values.ts'

/**
 * One call of a leaf template, as the engine hands it to an executor: who it is in the run, what it runs,
 * with which values, and which attempt this is.
 *
 * @example
 * ```ts
 * const call: LeafCall = {
 *   runId: 'steps-20261125-104512-3f9a', stepId: 'loop.print(1)', stepName: 'print(1)', key: undefined,
 *   template: print, inputs: { msg: { kind: 'param', wire: 'hi' } }, parameters: {}, attempt: 0,
 * }
 * ```
 */
export interface LeafCall {
  /** The run's id (`workflow.name` in scripts, Argo's workflow name). */
  readonly runId: string
  /** The step's id in the run: names joined by `.` through sub-workflows, `(i)` for a fan-out's call (`outer.loop(2)`). Unique in the run. */
  readonly stepId: string
  /** The step's own name (`loop(2)` for a call of a fan-out). */
  readonly stepName: string
  /** The step's key (`step(…, { key })`), resolved; undefined when it has none. */
  readonly key: string | undefined
  /** The template it runs: a script (`shell`) or a function OP (`fn`). */
  readonly template: LeafTemplate
  /** Its inputs, resolved: parameters as wire strings (not yet checked against their codecs), artifacts as the store gives them. */
  readonly inputs: Readonly<Record<string, Value>>
  /** The workflow's parameters (what `workflowParam` references read), plus the exit handler's `$status`, `$failures`, `$duration`. */
  readonly parameters: Readonly<Record<string, Value>>
  /** 0 for the first attempt, n for the n-th retry. */
  readonly attempt: number
  /** The step's own batch job settings (`step(…, { batch })`), for an executor that runs calls as batch jobs: over the template's. */
  readonly batch?: BatchJobOptions
  /**
   * Set on a restarted run when an earlier driver started this call and never recorded its end (it was in
   * flight when that driver died): a batch executor may reattach to the job it submitted (still queued or
   * running); a local executor clears what the earlier attempt left. See `prior.ts`.
   */
  readonly earlier?: EarlierAttempt
}

/**
 * What an executor reports while a call runs: `started` once the call really starts (it got a slot: a
 * process was spawned, a job began) — the engine records the step Running then —, and `progress` each
 * time the step reports a new `current/total` (Argo's ARGO_PROGRESS_FILE), `job` when the batch job it runs in
 * has an id or its scheduler state changed (the dispatcher's executor), `ready` when a daemon's readiness probe
 * first succeeds (see `daemon.ts`).
 *
 * @example
 * ```ts
 * on({ type: 'started' })
 * on({ type: 'progress', progress: '3/10' })
 * ```
 */
export type LeafEvent = { readonly type: 'started' } | { readonly type: 'ready' } | { readonly type: 'progress'; readonly progress: string } | { readonly type: 'job'; readonly job: JobRecord }

/**
 * How one call (one attempt) ended. `Failed`: the step's own failure (non-zero exit, killed, stopped);
 * `Error`: it could not run or its outputs are missing or do not decode.
 *
 * @example
 * ```ts
 * const r: LeafResult = { phase: 'Failed', outputs: {}, record: EMPTY_IO, exitCode: 1, message: 'exit code 1: oops' }
 * ```
 */
export interface LeafResult {
  readonly phase: Extract<Phase, 'Succeeded' | 'Failed' | 'Error'>
  /** The outputs, as siblings read them (parameters as wire strings, artifacts as stored); `{}` unless Succeeded. */
  readonly outputs: Outputs
  /** The outputs as the run's record keeps them (wire strings, decoded values, artifacts). */
  readonly record: IoRecord
  /** The exit code, or 128 + the signal's number when a signal ended it (as shells and Kubernetes report). */
  readonly exitCode?: number
  /** The signal that ended the call's process (`SIGKILL`), if one did. */
  readonly signal?: string
  readonly message?: string
  /** When it ended (stamped by the executor, before its slot is given to another call). */
  readonly finishedAt?: string
  /** Set when the call did not run: its outputs were taken from an earlier call (the engine records it in the step's record). */
  readonly reused?: Reused
}

/**
 * How leaf calls run. One value per run; the engine calls {@link run} once per attempt, at most
 * {@link slots} at once are under way in the executor (the executor bounds itself: the engine only uses it to
 * size fan-out windows), and the optional hooks let an executor get ready ahead of need and clean up.
 *
 * @example
 * ```ts
 * // local():      engine + localExecutor({ layout, spawn, … }) + folder store + folder run store
 * // dispatcher(): engine + a batch executor (Slurm over SSH) + a store + a folder run store
 * const r = await executor.run(call, signal, (e) => e.type === 'started' && console.log(call.stepId, 'started'))
 * ```
 */
export interface LeafExecutor {
  /** How many calls run at once (cores locally, a queue limit on a batch system). Calls beyond it wait inside {@link run}. */
  readonly slots: number
  /**
   * Runs one attempt of a call to its end and says how it ended; never throws for a failure of the step. A
   * call waiting for a slot when `signal` aborts returns without starting (and without a `started` event);
   * a running one is stopped (its whole process tree, its job) and ends `Failed`.
   */
  run(call: LeafCall, signal: AbortSignal, on: (e: LeafEvent) => void): Promise<LeafResult>
  /** The step `stepId`, calling `template`, is likely to run soon (the next step of a sequence, a dag task whose dependency started): get ready (folders, connections). */
  prepare?(stepId: string, template: LeafTemplate): void
  /** The step `stepId` was handed to {@link run} but never started (the run stopped while it waited): forget what was made for it. */
  discard?(stepId: string): Promise<void>
  /** Attempt `call.attempt` failed and another follows: keep what it left aside (the local executor archives its folder). */
  archive?(call: LeafCall): void | Promise<void>
  /** Where the executor keeps a template's script, for the step's record (relative to the run's folder); undefined for none. */
  scriptOf?(template: LeafTemplate): string | undefined
  /**
   * Commits one list artifact stacked from `source.parts` (a fan-out's output read by an `artifactList()`
   * input, see `fan-in.ts`): entry `i` is part `i`, holes left out, a catalog in dflow's format; resolves
   * with its location once it is committed (the local executor: `store.stack` under the fan-out's output
   * key, or a folder in the run folder without a store). Called at most once per fan-out output by the
   * engine; an executor without it cannot run fan-ins of artifacts.
   */
  stack?(source: StackSource, signal: AbortSignal): Promise<ArtifactLocation>
  /**
   * The paths of the list artifact at `at`, in its catalog's order (dflow's `.dflow/` files): what a slice of
   * it is sliced into (see `slice-parts.ts`); undefined when it has no catalog. An executor without it cannot
   * slice artifacts.
   */
  parts?(at: ArtifactLocation, signal: AbortSignal): Promise<readonly string[] | undefined>
  /** The run is over: release what {@link prepare} made for steps that never ran. */
  close?(): Promise<void>
}
