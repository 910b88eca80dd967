/**
 * The local interpreter (dflow's "debug mode", done right): runs every leaf step as a local process in its
 * own work folder, with real parallelism, a run folder that can be inspected and queried later, and
 * Argo's semantics for outputs and failures.
 *
 * @example
 * ```ts
 * import { local } from 'dflow-ts/local'
 * const run = await local({ parallelism: 4 }).run(wf, { parameters: { message: 'hi' } })
 * run.status                      // 'Succeeded'
 * run.step('hello3').outputs.msg  // 4
 * ```
 *
 * @module dflow-ts/local
 */
import { runInFolder } from '../workdir/run-in-folder.ts'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import type { Workflow } from 'dflow-ts'
import { runParameters } from '../engine/run.ts'
import { ARTIFACT_FEATURES, workflowArtifact } from '../workdir/artifacts.ts'
import { routeBatch, type BatchJobs } from '../engine/batch-route.ts'
import type { RunEvent } from '../run/events.ts'
import { runLayout } from '../run/layout.ts'
import { decodersOf, type Run } from '../run/run-view.ts'
import { valueStore } from '../run/value-store.ts'
import { newRunId, type RunOptions } from '../run/run-options.ts'
import { localExecutor } from './executor.ts'
import { prewarm } from './fn-pool.ts'
import { makeRunFolder } from '../workdir/folders.ts'
import { sharedLauncher } from './launcher.ts'
import { runProcess, type Spawner } from './process-group.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { reusePrior } from '../engine/reuse-prior.ts'
import { writeRestartRecord, type RunSource } from '../run/restart-record.ts'
import { reusedStep, type ReusedStep } from '../run/reuse.ts'
import type { StepView } from '../run/run-view.ts'
import { restartRecordOf, restartRun, type Drive, type RestartOptions } from './restart.ts'
import { folderStore } from '../storage/folder-store.ts'
import { cached } from '../cache/cached.ts'
import { suspendable, suspendFile } from './suspend.ts'

export type { ArtifactOutput } from '../run/artifact-output.ts'
export type { ArtifactLocation } from '../storage/location.ts'
export type { ArtifactStore } from '../storage/store.ts'
export { folderStore }
export type { Run, StepView, StepFilter, OutputsOf, Decoders, RunEvent, Phase, StepType, StepRecord, WorkflowRecord, WorkflowOutputsRecord, IoRecord, AttemptRecord, DriverIdentity, JobRecord, Reused } from '../run/index.ts'
export { openRun, listRuns, runView, decodersOf, FINAL_PHASES, PHASES, STEP_TYPES, StorageError, runLayout } from '../run/index.ts'
export type { RunOptions } from '../run/run-options.ts'
export { artifactProblems, parameterProblems, API_SYNTAX, type HowToGive } from '../engine/parameters.ts'
export { launcher, type Launcher } from './launcher.ts'
export { RestartRefused, type RestartOptions } from './restart.ts'
export { modifyOutputs, reusedStep, type ReusedStep, type OutputChanges } from '../run/reuse.ts'
export type { RunSource } from '../run/restart-record.ts'
export type { Spawner, ProcessSpec, ProcessExit } from './process-group.ts'
export type { BatchJobs } from '../engine/batch-route.ts'
export type { LeafExecutor, LeafCall, LeafEvent, LeafResult } from '../engine/executor.ts'
export type { CompositePrior, CompositeQuery, EarlierAttempt } from '../engine/prior.ts'
import type { CompositePrior } from '../engine/prior.ts'
export type { Value, Outputs, ParamValue, ArtifactValue } from '../engine/values.ts'
export type { FanIn, StackSource } from '../engine/fan-in.ts'
export type { RunLayout } from '../run/layout.ts'

/**
 * Settings of the local interpreter; every field has a sane default.
 *
 * @example
 * ```ts
 * const config: LocalConfig = { runsDir: '.dflow-runs', parallelism: 4, stage: 'copy' }
 * local(config)
 * ```
 */
export interface LocalConfig {
  /** Where run folders go. Default: `.dflow-runs` in the current folder. */
  readonly runsDir?: string
  /** At most this many leaf processes at once. Default: the number of cores. */
  readonly parallelism?: number
  /** How input artifacts reach a step. Default: `symlink`. */
  readonly stage?: 'symlink' | 'copy'
  /** Relative `localArtifact` paths are resolved against this folder. Default: the current folder. */
  readonly baseDir?: string
  /** Seconds between SIGTERM and SIGKILL when a step is stopped. Default: 2. */
  readonly killGraceSeconds?: number
  /** The environment steps start from. Default: this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Live progress. */
  readonly onEvent?: (e: RunEvent) => void
  /**
   * How script steps' processes are started. `launcher` (the default): by a small python3 helper process
   * with posix_spawn, which costs a fraction of forking this process and leaves its event loop free (with
   * no python3 3.8 or later on the PATH, steps are started directly); `direct`: by this process, with execa.
   * Either way each step runs in a process group of its own, stopped and cleaned up the same way. A
   * `Spawner` value (such as `launcher([...]).spawn`) is used as given.
   */
  readonly spawn?: 'launcher' | 'direct' | Spawner
  /** How often a running step's progress file (DFLOW_PROGRESS_FILE) is read, in ms. Default: 200. */
  readonly progressPollMs?: number
  /**
   * Whether a function-OP worker process may serve several calls, one at a time (default: true, a warm pool);
   * false gives every call a fresh process (no module state shared, Node's start-up paid per call).
   */
  readonly reuseWorkers?: boolean
  /**
   * Where output artifacts are kept. Default: none — an output stays where its step wrote it in the run
   * folder, and its location is that file (nothing is copied). Given a store (`folderStore(dir)`, an S3
   * store), each succeeded step's output artifacts are committed to it under `<run id>/<step id>/<name>`,
   * and inputs not on this machine are fetched from it.
   */
  readonly store?: ArtifactStore
  /**
   * Runs the calls of templates with `batch` settings as batch jobs: `batchJobs()` from `dflow-ts/dispatcher`
   * (`dflow run` gives it). Without it, such a call errs.
   */
  readonly batch?: BatchJobs
}

/**
 * Options of one local run: those of every run on this machine's engine, and reuse and restart's record.
 *
 * @example
 * ```ts
 * const options: LocalRunOptions = { parameters: { message: 'hi' }, reuse: [earlier.step('iter-0')] }
 * await local().run(wf, options)
 * ```
 */
export interface LocalRunOptions extends RunOptions {
  /**
   * Steps of earlier runs to reuse: in this run, a step with the same key (and template) is not run, and the
   * earlier step's outputs — modified first where {@link modifyOutputs} says — stand for it (dflow's `reuse_step`).
   */
  readonly reuse?: readonly (StepView | ReusedStep)[]
  /** Where the workflow value came from (`dflow run` gives its file), recorded so that `restart(dir)` can load it again. */
  readonly source?: RunSource
  /**
   * Cache every leaf step by content (templates with `cache: false` excepted; templates with `cache: true` are
   * cached either way). Entries live in the run's store under `_cache/`, or without one in `<runsDir>/.cache/`.
   */
  readonly cache?: boolean
  /**
   * Settles composite calls before they run and is given their outputs when they succeed: Argo's memoize on a
   * steps or dag template, as the Argo importer gives it (`importWorkflow(…).composite`). See `prior.ts`.
   */
  readonly composite?: CompositePrior
}

/**
 * The local interpreter.
 *
 * @example
 * ```ts
 * const interp: LocalInterpreter = local()
 * const run = await interp.run(wf)
 * run.status  // 'Succeeded'
 * ```
 */
export interface LocalInterpreter {
  /**
   * Validates then runs a workflow to the end; resolves with the run. Rejects only for an invalid workflow
   * (a `DflowError`), or a run folder that cannot be made or written at the start (a `StorageError` naming
   * the path and the error code); a run folder that cannot be written later stops the run, which ends Error.
   */
  readonly run: (wf: Workflow<any>, options?: LocalRunOptions) => Promise<Run>
  /** Continues a run whose driver died or was stopped: see {@link restart}. */
  readonly restart: (runDir: string, options?: RestartOptions) => Promise<Run>
}

/** Where a local run's cache entries live: the run's store (under `_cache/`), else the folder `<runsDir>/.cache`. */
const cacheSettings = (config: LocalConfig, all: boolean) =>
  config.store
    ? { entries: config.store, artifacts: config.store, all }
    : { entries: folderStore(join(resolve(config.runsDir ?? '.dflow-runs'), '.cache')), prefix: '', all }

/**
 * Makes a local interpreter.
 *
 * @example
 * ```ts
 * const run = await local({ runsDir: '/tmp/runs', parallelism: 2 }).run(wf)
 * ```
 */
export const local = (config: LocalConfig = {}): LocalInterpreter => {
  const run: LocalInterpreter['run'] = async (wf, options = {}) => {
    const baseDir = resolve(config.baseDir ?? '.')
    const artifacts = Object.fromEntries(Object.entries(options.artifacts ?? {}).map(([k, a]) => [k, workflowArtifact(a, baseDir)]))
    const params = runParameters(wf, options.parameters ?? {}, { artifacts, supports: ARTIFACT_FEATURES })
    const id = options.runId ?? newRunId(wf.name)
    const dir = join(resolve(config.runsDir ?? '.dflow-runs'), id)
    makeRunFolder(runLayout(dir))
    writeRestartRecord(dir, restartRecordOf(wf, config, options.source))
    const prior = options.reuse?.length ? reusePrior(options.reuse.map(reusedStep)) : undefined
    return drive(config, wf, { id, dir, params, ...(prior ? { prior } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.cache ? { cache: true } : {}), ...(options.composite ? { composite: options.composite } : {}) })
  }
  return { run, restart: (runDir, options) => restartRun(config, drive, runDir, options) }
}

/**
 * Runs a workflow in a run folder that exists: a new run, or a restarted one (`earlier`, with its `prior`).
 *
 * @example
 * ```ts
 * await drive(config, wf, { id, dir, params })
 * ```
 */
const drive: Drive = async (config, wf, plan) => {
  const { id, dir, params } = plan
  const layout = runLayout(dir)
  const slots = Math.min(config.parallelism ?? availableParallelism(), wf.parallelism ?? Infinity)
  const decoders = decodersOf(wf)
  const allTemplates = [...decoders.values()]
  // Function OPs run in worker processes: start them now, while the run gets going.
  if (allTemplates.some((t) => t._tag === 'FnTemplate')) prewarm(Math.min(slots, availableParallelism()))
  const spawn = typeof config.spawn === 'function' ? config.spawn : config.spawn === 'direct' ? runProcess : sharedLauncher.spawn
  if (spawn === sharedLauncher.spawn && allTemplates.some((t) => t._tag === 'ScriptTemplate')) sharedLauncher.prewarm()
  const processes = localExecutor({
    layout,
    values: valueStore(dir),
    spawn,
    slots,
    stage: config.stage ?? 'symlink',
    baseEnv: Object.fromEntries(Object.entries(config.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    killGraceSeconds: config.killGraceSeconds ?? 2,
    progressPollMs: config.progressPollMs ?? 200,
    reuseWorkers: config.reuseWorkers ?? true,
    ...(config.store ? { store: config.store } : {}),
    ...(plan.earlier ? { restarted: true } : {}),
  })
  const routed = routeBatch(processes, config.batch?.({ layout, runId: id }))
  // Caching by content wraps the executor only when some call may be cached.
  const all = plan.cache ?? false
  const executor = all || allTemplates.some((t) => t._tag !== 'Subflow' && t.cache === true) ? cached(routed, cacheSettings(config, all)) : routed
  return runInFolder(wf, dir, {
    runId: id,
    params,
    executor: suspendable(executor, suspendFile(dir)),
    baseDir: resolve(config.baseDir ?? '.'),
    decoders,
    ...(config.store ? { stores: [config.store] } : {}),
    ...(plan.signal ? { signal: plan.signal } : {}),
    ...(config.onEvent ? { onEvent: config.onEvent } : {}),
    ...(plan.prior ? { prior: plan.prior } : {}),
    ...(plan.composite ? { composite: plan.composite } : {}),
    ...(plan.earlier ? { earlier: plan.earlier } : {}),
  })
}

/**
 * Continues a local run whose driver died (kill -9, an OOM kill, a reboot) or was stopped, in its run folder:
 * steps recorded Succeeded keep their outputs and are not run again, steps that were in flight run again, and
 * the run ends as if it had never stopped. The workflow is loaded again from the file the run recorded (or
 * given as `workflow`); a value that changed since is refused with what changed, unless `allowChanges` (then
 * the changed steps and everything downstream run again). The run's recorded settings (parallelism, staging,
 * base folder) hold unless `config` says otherwise.
 *
 * @example
 * ```ts
 * const run = await restart('.dflow-runs/recurse-20261201-101500-3f9a')
 * run.status // 'Succeeded'
 * ```
 */
export const restart = (runDir: string, options: RestartOptions & { readonly config?: LocalConfig } = {}): Promise<Run> => local(options.config).restart(runDir, options)
