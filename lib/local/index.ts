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
import { setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { DflowError, validate, encodeParam, type Workflow, type ParamsSpec } from 'dflow-ts'
import { writeJsonAtomic } from '../run/atomic.ts'
import { driverIdentity } from '../run/driver.ts'
import type { RunEvent } from '../run/events.ts'
import { interpreter } from '../engine/interpret.ts'
import { prewarm } from './fn-pool.ts'
import { openJournal } from '../run/journal.ts'
import { runExitHandler } from '../engine/exit-handler.ts'
import { runLayout } from '../run/layout.ts'
import { makeRunFolder, stepFolders } from './folders.ts'
import { sharedLauncher } from './launcher.ts'
import { limiter } from '../engine/limiter.ts'
import { parameterProblems } from '../engine/parameters.ts'
import { runProcess, type Spawner } from './process-group.ts'
import type { StepRecord, WorkflowRecord } from '../run/records.ts'
import { decodersOf, runView, type Run } from '../run/run-view.ts'
import { StorageError, storageMessage } from '../run/storage-error.ts'
import type { Value } from '../engine/values.ts'
import { storeParameters, valueStore } from '../run/value-store.ts'

export type { Run, StepView, StepFilter, OutputsOf, Decoders } from '../run/run-view.ts'
export { openRun, listRuns, runView, decodersOf } from '../run/run-view.ts'
export type { RunEvent } from '../run/events.ts'
export type { Phase, StepType, StepRecord, WorkflowRecord, IoRecord, AttemptRecord } from '../run/records.ts'
export { FINAL_PHASES, PHASES, STEP_TYPES } from '../run/records.ts'
export { StorageError } from '../run/storage-error.ts'
export type { DriverIdentity } from '../run/driver.ts'
export { runLayout } from '../run/layout.ts'
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

/** Checks and encodes the parameter values given for a run. */
const workflowParams = (wf: Workflow<any>, given: Readonly<Record<string, unknown>>): Record<string, Value> => {
  const specs: ParamsSpec = wf.parameters
  const problems = parameterProblems(wf, given)
  if (problems.length) throw new DflowError(problems)
  return Object.fromEntries(
    Object.entries(specs).map(([k, spec]) => {
      const v = k in given ? given[k] : spec.default!.value
      return [k, { kind: 'param', wire: typeof v === 'string' ? v : encodeParam(spec.codec, v) }]
    }),
  )
}

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
    const problems = validate(wf)
    if (problems.length) throw new DflowError(problems)
    const params = workflowParams(wf, options.parameters ?? {})
    const runsDir = resolve(config.runsDir ?? '.dflow-runs')
    const id = options.runId ?? `${wf.name}-${stamp()}-${Math.random().toString(16).slice(2, 6)}`
    const dir = join(runsDir, id)
    const layout = runLayout(dir)
    makeRunFolder(layout)
    const values = valueStore(dir)
    const journal = openJournal(layout.journal, values)
    const emit = config.onEvent ?? (() => {})
    let wfRecord: WorkflowRecord
    const saveWorkflow = (r: WorkflowRecord) => {
      wfRecord = r
      writeJsonAtomic(layout.workflowFile, r)
      emit({ type: 'workflow', workflow: r, dir })
    }
    try {
      wfRecord = {
        name: wf.name,
        id,
        status: 'Running',
        startedAt: new Date().toISOString(),
        ...storeParameters(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.kind === 'param' ? v.wire : ''])), values),
        ...driverIdentity(),
      }
      saveWorkflow(wfRecord)
    } catch (e) {
      journal.close()
      throw e
    }

    const ctl = new AbortController()
    setMaxListeners(0, ctl.signal) // one listener per running step
    // The run folder cannot be written (a full disk, a read-only file system): the run is stopped, and ends
    // Error saying so — recorded if the final state can still be written, else it reads as interrupted.
    let storageFailure: StorageError | undefined
    const storageFailed = (e: unknown) => {
      if (!(e instanceof StorageError)) throw e
      if (storageFailure) return
      storageFailure = e
      ctl.abort(`stopped: ${e.message}`)
    }
    const records = new Map<string, StepRecord>()
    /** Steps whose latest record could not be written: tried again at the end of the run. */
    const unwritten = new Set<string>()
    const append = (r: StepRecord) => {
      try {
        journal.append(r) // tried even after a failure: a record that fits is better kept
        unwritten.delete(r.id)
      } catch (e) {
        unwritten.add(r.id)
        storageFailed(e)
      }
    }
    const record = (r: StepRecord) => {
      records.set(r.id, r)
      append(r)
      emit({ type: 'step', step: r })
    }
    const onAbort = () => ctl.abort(typeof options.signal?.reason === 'string' ? options.signal.reason : 'terminated')
    if (options.signal?.aborted) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const baseEnv = Object.fromEntries(Object.entries(config.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined))
    const slots = Math.min(config.parallelism ?? availableParallelism(), wf.parallelism ?? Infinity)
    const decoders = decodersOf(wf)
    const allTemplates = [...decoders.values()]
    // Function OPs run in worker processes: start them now, while the run gets going.
    if (allTemplates.some((t) => t._tag === 'FnTemplate')) prewarm(Math.min(slots, availableParallelism()))
    const spawn = typeof config.spawn === 'function' ? config.spawn : config.spawn === 'direct' ? runProcess : sharedLauncher.spawn
    if (spawn === sharedLauncher.spawn && allTemplates.some((t) => t._tag === 'ScriptTemplate')) sharedLauncher.prewarm()
    const slotsLimiter = limiter(slots)
    const scripts = new Map<string, Promise<void>>()
    const folders = stepFolders(layout)
    const interpreterWith = (ps: Record<string, Value>) =>
      interpreter({
        leaf: { layout, folders, spawn, values, runId: id, limiter: slotsLimiter, stage: config.stage ?? 'symlink', baseEnv, killGraceSeconds: config.killGraceSeconds ?? 2, params: ps, scripts, reuseWorkers: config.reuseWorkers ?? true },
        baseDir: resolve(config.baseDir ?? '.'),
        record,
        ...(config.progressPollMs !== undefined ? { progressPollMs: config.progressPollMs } : {}),
      })
    let final: WorkflowRecord
    try {
      const { run } = interpreterWith(params)
      let outcome = await run(wf.body, { scope: { inputs: {}, params, steps: new Map() }, depth: 0, parent: null, signal: ctl.signal })
      if (wf.onExit) outcome = await runExitHandler(wf.onExit, outcome, { params, records: [...records.values()], startedAt: wfRecord.startedAt, interpreterWith, record })
      const status = outcome.ok ? 'Succeeded' : 'Failed'
      final = { ...wfRecord, status, finishedAt: new Date().toISOString(), ...(outcome.failure && !outcome.ok ? { message: outcome.failure } : {}) }
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      final = { ...wfRecord, status: 'Error', finishedAt: new Date().toISOString(), message: err?.code && err.path ? storageMessage(e) : `interpreter error: ${err?.stack ?? e}` }
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
    if (storageFailure) final = { ...final, status: 'Error', message: `the run was stopped: ${storageFailure.message}` }
    // Records the disk refused, once more: where there is room again, the journal agrees with the run.
    for (const id of [...unwritten]) append(records.get(id)!)
    try {
      saveWorkflow(final)
    } catch (e) {
      if (!(e instanceof StorageError)) throw e
      // workflow.json still says Running: once this process ends, the run reads as interrupted.
      wfRecord = { ...final, message: `${final.message ? `${final.message}; ` : ''}its final state could not be recorded (${e.message}): the run folder reads as interrupted` }
    } finally {
      try {
        journal.close()
      } catch {
        /* every record was written whole already, or reported */
      }
      await folders.sweep()
    }
    return runView(dir, wfRecord, [...records.values()], decoders)
  },
})
