/**
 * The dispatcher interpreter: the same workflow value run with the engine's full semantics, every leaf step
 * as a batch job — Slurm, PBS, LSF, SGE or a plain shell — on this machine or on a login node over SSH. It
 * returns the same {@link Run} and run folder as `local()`.
 *
 * @example
 * ```ts
 * import { dispatcher, sshContext } from 'dflow-ts/dispatcher'
 * const ctx = sshContext({ host: 'login.hpc', user: 'me', root: '/scratch/me/dflow' })
 * const run = await dispatcher({ batch: 'slurm', context: ctx, options: { partition: 'debug' } }).run(wf)
 * run.step('hello3').outputs.msg // 4
 * await ctx.close()
 * ```
 *
 * @module dflow-ts/dispatcher
 */
import { runInFolder } from '../workdir/run-in-folder.ts'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LeafTemplate, Workflow } from 'dflow-ts'
import type { LeafExecutor } from '../engine/executor.ts'
import type { BatchJobs } from '../engine/batch-route.ts'
import { runParameters } from '../engine/run.ts'
import type { RunEvent } from '../run/events.ts'
import { PRIVATE_DIR, runLayout } from '../run/layout.ts'
import type { Run } from '../run/run-view.ts'
import { newRunId, type RunOptions } from '../run/run-options.ts'
import { ARTIFACT_FEATURES, workflowArtifact } from '../workdir/artifacts.ts'
import { makeRunFolder } from '../workdir/folders.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { lsf } from './batch/lsf.ts'
import { pbs } from './batch/pbs.ts'
import { sge } from './batch/sge.ts'
import { shell } from './batch/shell.ts'
import { slurm } from './batch/slurm.ts'
import type { BatchSystem, Exec } from './batch/types.ts'
import { contextExec } from './context/batch-exec.ts'
import { localContext } from './context/local.ts'
import type { Context } from './context/types.ts'
import { batchExecutor } from './executor.ts'
import { jobQueue, type JobQueueOptions } from './jobs/queue.ts'
import { jobShape, type BatchOptions } from './jobs/resources.ts'
import type { JobShape } from './jobs/types.ts'
import { runPlace } from './staging.ts'

export type { BatchJobs } from '../engine/batch-route.ts'
export type { Run, StepView, RunEvent, Phase, StepRecord, WorkflowRecord, JobRecord } from '../run/index.ts'
export { openRun, listRuns } from '../run/index.ts'
export type { RunOptions } from '../run/run-options.ts'
export { slurm, sge, pbs, lsf, shell }
export type { BatchSystem, BatchJob, JobState, Verdict, Exec } from './batch/types.ts'
export { localContext, sshContext, machineContext, contextExec, type Context, type SshConfig, type SshAuth, type MachineContext } from './context/index.ts'
export { jobShape, fromDpdispatcher, type BatchOptions, type DpConfig, type JobShape, type JobQueueOptions } from './jobs/index.ts'

/** The batch systems by name. @example BATCH_SYSTEMS.slurm.name // 'slurm' */
export const BATCH_SYSTEMS: Readonly<Record<BatchSystem['name'], BatchSystem>> = { slurm, sge, pbs, lsf, shell }

/**
 * How the job queue treats the scheduler (see jobs/queue.ts): `poll` (the adaptive status interval),
 * `submitsPerSecond`, `maxInQueue`, `arrays`/`maxArraySize`, `callsPerJob`/`parallelInJob`, submit retries.
 *
 * @example
 * ```ts
 * const p: Politeness = { poll: { initialMs: 500, maxMs: 30_000 }, submitsPerSecond: 5, maxInQueue: 200, callsPerJob: 10, parallelInJob: 4 }
 * ```
 */
export type Politeness = Omit<JobQueueOptions, 'system' | 'exec' | 'root' | 'journal' | 'faults'>

/**
 * Settings of the dispatcher interpreter.
 *
 * @example
 * ```ts
 * const config: DispatcherConfig = { batch: 'slurm', context: sshContext(cfg), options: { partition: 'debug' }, politeness: { maxInQueue: 100 } }
 * ```
 */
export interface DispatcherConfig {
  /** The batch system, by name or as a value. */
  readonly batch: BatchSystem['name'] | BatchSystem
  /** Where jobs are submitted and run. Default: this machine, in the run folder itself (a shared filesystem). */
  readonly context?: Context
  /** Where run folders go (on this machine). Default: `.dflow-runs`. */
  readonly runsDir?: string
  /** Relative `localArtifact` paths are resolved against this folder. Default: the current folder. */
  readonly baseDir?: string
  /** Batch settings of every job (partition or queue, nodes, walltime, header lines, modules, env, pre/post); a template's own `batch` settings come after. */
  readonly options?: BatchOptions
  /** A shape every job starts from (as `fromDpdispatcher(machine, resources).shape` gives). */
  readonly shape?: JobShape
  /** How the scheduler is asked (see {@link Politeness}). */
  readonly politeness?: Politeness
  /** At most this many calls under way at once (submitted or being prepared). Default: `politeness.maxInQueue`, else 1000. */
  readonly slots?: number
  /** The `node` command on the jobs' side, for function OPs. Default: `node`. */
  readonly node?: string
  /** How the batch system's commands run. Default: through the context. (Tests put stand-in `qsub`s on a PATH.) */
  readonly exec?: Exec
  /**
   * The run's artifact store (`folderStore(dir)`, an S3 store): each succeeded step's output artifacts are
   * committed to it under `<run id>/<step id>/<name>` once read back from the job's folder (over SSH: one tar
   * stream), fan-ins are stacked in it, and inputs it holds are staged from it into the jobs' folders. Default:
   * none — outputs stay in the run folder, as on `local()`.
   */
  readonly store?: ArtifactStore
  /**
   * How often running jobs' progress files (`current/total`, written to DFLOW_PROGRESS_FILE or Argo's
   * ARGO_PROGRESS_FILE) are read back, in ms; over SSH one command reads them all. Default: 1000.
   */
  readonly progressPollMs?: number
  /** Live progress. */
  readonly onEvent?: (e: RunEvent) => void
}

/** The dispatcher interpreter. @example const run = await dispatcher({ batch: 'shell' }).run(wf) */
export interface DispatcherInterpreter {
  /**
   * As `local().run`: validates, runs to the end, resolves with the run. A run started again with the `runId` of
   * a run whose driver died waits for the jobs that driver submitted (found through the run's job journal, by id
   * or by name) instead of submitting them again; a stop cancels every job of the run with one command.
   */
  readonly run: (wf: Workflow<any>, options?: RunOptions) => Promise<Run>
}

/** A template's own batch settings (its `batch` field, without `system`). */
/**
 * A template's `batch` settings as job options for `jobShape` (its system aside): what the dispatcher submits
 * with, and what a batch pod on Argo should render (`batchPods({ shape })`), so both mean the same.
 *
 * @example
 * ```ts
 * jobShape({ resources: t.resources, options: [templateOptions(t)] }) // the job a template asks for
 * ```
 */
export const templateOptions = (t: LeafTemplate): BatchOptions | undefined => {
  const b = t.batch
  if (!b) return undefined
  const { system: _system, ...rest } = b
  return rest
}

/** `base` under `top`: resources, env merged; header lines and modules added; pre/post joined. */
const overlay = (base: JobShape | undefined, top: JobShape): JobShape => {
  if (!base) return top
  const join2 = (a?: string, b?: string) => (a && b ? `${a}\n${b}` : (a ?? b))
  const pre = join2(base.pre, top.pre)
  const post = join2(base.post, top.post)
  const header = [...(base.header ?? []), ...(top.header ?? [])]
  const modules = [...(base.modules ?? []), ...(top.modules ?? [])]
  const resources = { ...base.resources, ...top.resources }
  const env = { ...base.env, ...top.env }
  return {
    ...base,
    ...top,
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(header.length ? { header } : {}),
    ...(modules.length ? { modules } : {}),
    ...(pre ? { pre } : {}),
    ...(post ? { post } : {}),
  }
}

/**
 * The leaf executor of one dispatcher run, for compositions that run only some templates as batch jobs (the
 * local interpreter's `batch` templates): the run's folder is the local one; jobs go through a queue of their own.
 *
 * @example
 * ```ts
 * const executor = dispatcherExecutor({ batch: 'slurm' }, runLayout('/runs/r1'), 'r1')
 * ```
 */
export const dispatcherExecutor = (config: DispatcherConfig, layout: ReturnType<typeof runLayout>, runId: string): { readonly executor: LeafExecutor; readonly stop: () => Promise<void> } => {
  const system = typeof config.batch === 'string' ? BATCH_SYSTEMS[config.batch] : config.batch
  if (!system) throw new Error(`no batch system named ${JSON.stringify(config.batch)}: use one of ${Object.keys(BATCH_SYSTEMS).join(', ')}`)
  const context = config.context ?? localContext({ root: layout.dir })
  const place = runPlace(layout, context, runId)
  const journal = join(layout.dir, 'jobs.jsonl')
  if (place.inPlace) mkdirSync(place.jobs, { recursive: true, mode: PRIVATE_DIR })
  const queue = jobQueue({ ...config.politeness, system, exec: config.exec ?? contextExec(context, system), root: place.jobs, journal })
  // one shape per template and step settings (a fan-out's calls share theirs)
  const shapes = new Map<string, JobShape | undefined>()
  const shapeOf = (t: LeafTemplate, step?: BatchOptions): JobShape | undefined => {
    const key = step ? `${t.name}\0${JSON.stringify(step)}` : t.name
    if (!shapes.has(key)) {
      const own = jobShape({ ...(t.resources ? { resources: t.resources } : {}), options: [config.options, templateOptions(t), step] })
      const s = overlay(config.shape, own)
      shapes.set(key, Object.keys(s).length ? s : undefined)
    }
    return shapes.get(key)
  }
  const slots = config.slots ?? config.politeness?.maxInQueue ?? 1000
  const executor = batchExecutor({ layout, place, context, system, queue, journal, slots, shapeOf, node: config.node ?? 'node', progressPollMs: config.progressPollMs ?? 1000, ...(config.store ? { store: config.store } : {}) })
  return { executor, stop: queue.stop }
}

/**
 * The executor of a local run's templates that ask to run as batch jobs (their `batch: { system, … }`): one
 * job queue per system they name, with these settings (where jobs run, politeness, …). Given to `local()`,
 * which never imports the dispatcher: the composition does.
 *
 * @example
 * ```ts
 * import { local } from 'dflow-ts/local'
 * import { batchJobs, sshContext } from 'dflow-ts/dispatcher'
 * await local({ batch: batchJobs({ context: sshContext(cfg) }) }).run(wf) // batch templates as Slurm jobs on the login node, the rest here
 * ```
 */
export const batchJobs = (config: Omit<DispatcherConfig, 'batch' | 'runsDir' | 'onEvent'> = {}): BatchJobs => ({ layout, runId }) => {
  const bySystem = new Map<string, LeafExecutor>()
  const of = (t: LeafTemplate): LeafExecutor => {
    const name = t.batch!.system
    let e = bySystem.get(name)
    if (!e) bySystem.set(name, (e = dispatcherExecutor({ ...config, batch: name }, layout, runId).executor))
    return e
  }
  return {
    slots: config.slots ?? config.politeness?.maxInQueue ?? 1000,
    run: (call, signal, on) => of(call.template).run(call, signal, on),
    archive: (call) => of(call.template).archive?.(call),
    close: async () => {
      await Promise.all([...bySystem.values()].map((e) => e.close?.()))
    },
  }
}

/**
 * Makes a dispatcher interpreter: the engine, a batch executor over the job queue, and the folder journal.
 *
 * @example
 * ```ts
 * const run = await dispatcher({ batch: 'shell' }).run(wf)
 * run.status // 'Succeeded'
 * ```
 */
export const dispatcher = (config: DispatcherConfig): DispatcherInterpreter => ({
  run: async (wf, options = {}) => {
    const baseDir = resolve(config.baseDir ?? '.')
    const artifacts = Object.fromEntries(Object.entries(options.artifacts ?? {}).map(([k, a]) => [k, workflowArtifact(a, baseDir)]))
    const params = runParameters(wf, options.parameters ?? {}, { artifacts, supports: ARTIFACT_FEATURES })
    const id = options.runId ?? newRunId(wf.name)
    const dir = join(resolve(config.runsDir ?? '.dflow-runs'), id)
    const layout = runLayout(dir)
    makeRunFolder(layout)
    const { executor, stop } = dispatcherExecutor(config, layout, id)
    // a stop cancels every job of the run with one command (before each call gives its own up)
    const onStop = () => void stop()
    options.signal?.addEventListener('abort', onStop, { once: true })
    try {
      return await runInFolder(wf, dir, {
        runId: id,
        params,
        executor,
        baseDir,
        ...(config.store ? { stores: [config.store] } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(config.onEvent ? { onEvent: config.onEvent } : {}),
      })
    } finally {
      options.signal?.removeEventListener('abort', onStop)
    }
  },
})
