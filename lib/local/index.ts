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
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import type { Workflow } from 'dflow-ts'
import { runParameters, runWorkflow } from '../engine/run.ts'
import { driverIdentity } from '../run/driver.ts'
import type { RunEvent } from '../run/events.ts'
import { folderRunStore } from '../run/folder-run-store.ts'
import { runLayout } from '../run/layout.ts'
import { decodersOf, runView, type Run } from '../run/run-view.ts'
import { valueStore } from '../run/value-store.ts'
import { localExecutor } from './executor.ts'
import { prewarm } from './fn-pool.ts'
import { makeRunFolder } from './folders.ts'
import { sharedLauncher } from './launcher.ts'
import { runProcess, type Spawner } from './process-group.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { folderStore } from '../storage/folder-store.ts'
import { cached } from '../cache/cached.ts'

export type { ArtifactOutput } from '../run/artifact-output.ts'
export type { ArtifactLocation } from '../storage/location.ts'
export type { ArtifactStore } from '../storage/store.ts'
export { folderStore }
export type { Run, StepView, StepFilter, OutputsOf, Decoders, RunEvent, Phase, StepType, StepRecord, WorkflowRecord, IoRecord, AttemptRecord, DriverIdentity } from '../run/index.ts'
export { openRun, listRuns, runView, decodersOf, FINAL_PHASES, PHASES, STEP_TYPES, StorageError, runLayout } from '../run/index.ts'
export { parameterProblems, API_SYNTAX, type HowToGive } from '../engine/parameters.ts'
export { launcher, type Launcher } from './launcher.ts'
export type { Spawner, ProcessSpec, ProcessExit } from './process-group.ts'

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
}

/**
 * Options of one run.
 *
 * @example
 * ```ts
 * const options: RunOptions = { parameters: { message: 'hi' }, runId: 'hello-1' }
 * await local().run(wf, options)
 * ```
 */
export interface RunOptions {
  /** Values of the workflow's parameters (decoded by their codecs; strings are taken as wire values). */
  readonly parameters?: Readonly<Record<string, unknown>>
  /** Stops the run: running steps are terminated (their whole process trees) and the run ends Failed. */
  readonly signal?: AbortSignal
  /** The run folder's name. Default: `<workflow name>-<date>-<time>-<random>`. */
  readonly runId?: string
  /**
   * Cache every leaf step by content (templates with `cache: false` excepted; templates with `cache: true` are
   * cached either way). Entries live in the run's store under `_cache/`, or without one in `<runsDir>/.cache/`.
   */
  readonly cache?: boolean
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
  readonly run: (wf: Workflow<any>, options?: RunOptions) => Promise<Run>
}

const stamp = () => {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
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
export const local = (config: LocalConfig = {}): LocalInterpreter => ({
  run: async (wf, options = {}) => {
    const params = runParameters(wf, options.parameters ?? {})
    const id = options.runId ?? `${wf.name}-${stamp()}-${Math.random().toString(16).slice(2, 6)}`
    const dir = join(resolve(config.runsDir ?? '.dflow-runs'), id)
    const layout = runLayout(dir)
    makeRunFolder(layout)
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
    })
    // Caching by content wraps the executor only when some call may be cached.
    const all = options.cache ?? false
    const executor = all || allTemplates.some((t) => t._tag !== 'Subflow' && t.cache === true) ? cached(processes, cacheSettings(config, all)) : processes
    const { workflow, steps } = await runWorkflow(wf, {
      runId: id,
      params,
      executor,
      runs: folderRunStore(dir),
      baseDir: resolve(config.baseDir ?? '.'),
      driver: driverIdentity(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(config.onEvent ? { onEvent: config.onEvent } : {}),
    })
    return runView(dir, workflow, steps, decoders, config.store ? [config.store] : [])
  },
})
