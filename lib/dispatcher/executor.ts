import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { constants } from 'node:os'
import { basename, dirname, join, posix } from 'node:path'
import { fileVarOf, keepsStdout, render, type BatchJobOptions, type FnTemplate, type IoSpec, type LeafTemplate, type ScriptTemplate } from 'dflow-ts'
import { stopMessage } from '../engine/abort.ts'
import type { LeafCall, LeafEvent, LeafExecutor, LeafResult } from '../engine/executor.ts'
import { PRIVATE_DIR, PRIVATE_FILE, type RunLayout } from '../run/layout.ts'
import { storageMessage } from '../run/storage-error.ts'
import { INLINE_LIMIT } from '../run/value-store.ts'
import { envValue, mayBeLarge } from '../workdir/env.ts'
import { commitOutputs, stackArtifacts } from '../workdir/artifacts.ts'
import { archiveAttempt, stepFolders } from '../workdir/folders.ts'
import { collectOutputs, sliceReportOf, stdoutPathOf } from '../workdir/outputs.ts'
import { errorResult, outputFolders, outputPaths, prepareLeaf, type PreparedLeaf } from '../workdir/prepare.ts'
import { tailOf } from '../workdir/tail.ts'
import { localPackagePath, packageFolders, packagePath, progressEnv } from '../workdir/packages.ts'
import { watchProgress } from '../workdir/progress.ts'
import { progressReader } from './progress.ts'
import { listParts } from '../storage/parts.ts'
import { storeSet } from '../storage/store-set.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { shellQuote } from './batch/shell-quote.ts'
import type { BatchSystem } from './batch/types.ts'
import type { Context } from './context/types.ts'
import { fnBundle, fnPlan } from './fn-job.ts'
import { callKey, readJournal } from './jobs/journal.ts'
import type { JobEvent, JobQueue } from './jobs/queue.ts'
import type { JobOutcome, JobShape } from './jobs/types.ts'
import type { RunPlace } from './staging.ts'

/**
 * Settings of the batch executor of one run.
 *
 * @example
 * ```ts
 * const s: BatchExecutorSettings = { layout, place, context, system: slurm, queue, journal: '/runs/r1/jobs.jsonl', slots: 1000, shapeOf: () => undefined, node: 'node', progressPollMs: 1000 }
 * ```
 */
export interface BatchExecutorSettings {
  /** The local run folder, where every step's folder is prepared and read back. */
  readonly layout: RunLayout
  /** Where the jobs see the run's files (see staging.ts). */
  readonly place: RunPlace
  readonly context: Context
  readonly system: BatchSystem
  readonly queue: JobQueue
  /** The queue's journal: a call found in it is being (or was) run by a job already, so its folder is left as it is. */
  readonly journal: string
  /** How many calls are under way at once (the engine sizes fan-out windows by it). */
  readonly slots: number
  /** The job shape of a template's calls (resources, queue, header lines, …), with a step's own settings over it. */
  readonly shapeOf: (t: LeafTemplate, step?: BatchJobOptions) => JobShape | undefined
  /** The `node` command on the jobs' side, for function OPs (their self-contained bundle needs nothing else). */
  readonly node: string
  /**
   * The run's artifact store: each succeeded call's output artifacts (read back to this machine) are committed
   * to it, fan-ins are stacked in it, and inputs it holds are staged from it. Without one, outputs stay in the
   * run folder (their location is the file) and fan-ins are laid out there, as on the local interpreter.
   */
  readonly store?: ArtifactStore
  /** How often running jobs' progress files are read back, in ms (over SSH: one command for all of them). */
  readonly progressPollMs: number
}

const quoteArgv = (argv: readonly string[]): string => argv.map(shellQuote).join(' ')
const signalName = (n: number | undefined): string | undefined =>
  n === undefined ? undefined : Object.entries(constants.signals).find(([, v]) => v === n)?.[0]

/** A job's command that runs `argv` with its output appended to the step's log (stdout kept apart too when the template reads it). */
const logged = (argv: readonly string[], log: string, stdout: string | undefined): string =>
  stdout === undefined
    ? `${quoteArgv(argv)} >>${shellQuote(log)} 2>&1`
    : `${quoteArgv(argv)} >${shellQuote(stdout)} 2>>${shellQuote(log)}; __dflow_step_rc=$?; cat ${shellQuote(stdout)} >>${shellQuote(log)}; exit "$__dflow_step_rc"`

/**
 * A call stopped (the run, or the step's timeout) before its job ended: its job is cancelled (or never
 * submitted), which ends the call as SIGTERM ends a local step's process — whether the stop came while its
 * folder was still being prepared or sent (over SSH that can outlast a short timeout) or while the job ran.
 */
const stopped = (signal: AbortSignal): LeafResult => ({ ...errorResult(stopMessage(signal)), phase: 'Failed', finishedAt: new Date().toISOString(), exitCode: 128 + constants.signals.SIGTERM, signal: 'SIGTERM' })

/** What a job must run for one call: its command, its environment; or why the call errs. */
interface Job {
  readonly command: string
  readonly env: Readonly<Record<string, string>>
}

/**
 * The batch executor: each leaf call runs as a batch job through the run's job queue (see jobs/queue.ts). Its
 * step folder is prepared in the local run folder as the local interpreter prepares it (the shared
 * lib/workdir: input parameters checked, inputs staged, output folders made), copied to the jobs' side when
 * that is another machine, run there by a job (a script template's rendered script, a function OP as its
 * self-contained bundle run by `node`), copied back, and its outputs read by Argo's rules. Each call's job id
 * and scheduler state reach its step record. A call whose job a driver before submitted (the journal knows it)
 * is waited for as it is, not prepared or submitted again.
 *
 * @example
 * ```ts
 * const executor = batchExecutor({ layout, place, context, system: slurm, queue, journal, slots: 1000, shapeOf, node: 'node', progressPollMs: 1000 })
 * await runWorkflow(wf, { executor, runs, … })
 * ```
 */
export const batchExecutor = (s: BatchExecutorSettings): LeafExecutor => {
  const { layout, place, context: ctx } = s
  const folders = stepFolders(layout)
  // Inputs are this machine's files, or in the run's store, or in the store a location names (opened from the environment).
  const stores = storeSet(s.store, process.env)
  // A step folder copied to another machine must hold its inputs themselves, not links to this machine's files.
  const stage = place.inPlace ? 'symlink' : 'copy'
  const journaled = readJournal(s.journal).byCall
  const written = new Map<string, Promise<void>>()
  /** Writes a run-wide file (a template's script or bundle) once, here and on the jobs' side. */
  const once = (path: string, text: () => string): Promise<void> => {
    let w = written.get(path)
    if (!w) {
      w = (async () => {
        await writeFile(path, text(), { mode: PRIVATE_FILE })
        if (!place.inPlace) await ctx.put(path, place.toRemote('', path))
      })()
      written.set(path, w)
    }
    return w
  }

  const progress = progressReader(ctx, place.inPlace, s.progressPollMs)
  /** A package folder sent once per run to `<run>/packages/<digest of its path>/<name>` on the jobs' side; resolves with the folder that holds it. */
  const shipped = new Map<string, Promise<string>>()
  const ship = (folder: string): Promise<string> => {
    let p = shipped.get(folder)
    if (!p) {
      const parent = posix.join(place.run, 'packages', createHash('sha256').update(folder).digest('hex').slice(0, 12))
      p = ctx.put(folder, posix.join(parent, basename(folder)), { via: 'tar' }).then(() => parent)
      p.catch(() => shipped.delete(folder)) // a failed send is tried again by the next call
      shipped.set(folder, p)
    }
    return p
  }
  /** What every job of the template adds to its environment: its progress file, its shipped packages on NODE_PATH and PYTHONPATH. */
  const jobEnv = async (id: string, t: LeafTemplate): Promise<Record<string, string>> => {
    const base = { ...progressEnv(place.toRemote(id, layout.progress(id))) }
    if (place.inPlace) return { ...base, ...localPackagePath(t, t.env ?? {}) }
    const folders = packageFolders(t)
    for (const f of folders) if (!existsSync(f)) throw new Error(`package "${f}" of template ${t.name} does not exist`)
    return { ...base, ...packagePath(await Promise.all(folders.map(ship)), t.env ?? {}) }
  }

  const scriptJob = async (call: LeafCall, t: ScriptTemplate, p: PreparedLeaf, logPath: string, stdout: string | undefined): Promise<Job> => {
    const id = call.stepId
    const rendered = render(t.source, { fromFile: mayBeLarge })
    const script = layout.script(t.name).absolute
    await once(script, () => rendered.text)
    const env: Record<string, string> = { ...(t.env ?? {}) }
    const ectx = { params: call.parameters, runId: call.runId }
    for (const b of rendered.env) {
      const value = envValue(b.value, call.inputs, p.staged, p.outPaths, ectx, id)
      const isPath = typeof b.value === 'object' && (b.value._tag === 'ArtifactRef' || b.value._tag === 'OutputPath')
      if (value.length > INLINE_LIMIT && mayBeLarge(b.value)) {
        // a large value reaches the script as a file of its step folder (it would not fit in an environment)
        const file = join(layout.stepDir(id), 'values', b.name)
        await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR })
        await writeFile(file, value, { mode: PRIVATE_FILE })
        env[fileVarOf(b.name)] = place.toRemote(id, file)
      } else env[b.name] = isPath && value ? place.toRemote(id, value) : value
    }
    return { command: logged([...t.command, place.toRemote(id, script)], logPath, stdout), env }
  }

  const fnJob = async (call: LeafCall, t: FnTemplate, logPath: string): Promise<Job> => {
    const id = call.stepId
    const plan = fnPlan(layout, id, t)
    const bundle = join(layout.scriptsDir, `${t.name}.fn.js`)
    await once(bundle, () => fnBundle(t, plan))
    const env: Record<string, string> = { ...(t.env ?? {}), dflow_key: call.key ?? call.stepName, dflow_step_name: call.stepName, dflow_workflow_name: call.runId }
    for (const [name, v] of Object.entries(call.inputs)) {
      const spec = (t.inputs as IoSpec)[name]
      if (v.kind !== 'param' || spec?._tag !== 'Param') continue
      const where = plan.params[name]!
      if ('env' in where) env[where.env] = v.wire
      else {
        const file = join(layout.workdir(id), where.file)
        await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR })
        await writeFile(file, v.wire, { mode: PRIVATE_FILE })
      }
    }
    return { command: logged([s.node, place.toRemote(id, bundle)], logPath, undefined), env }
  }

  /** The step's result from its job's outcome and the folder it left (read back here). */
  const resultOf = (call: LeafCall, o: JobOutcome, outPaths: Readonly<Record<string, string>>, signal: AbortSignal): LeafResult => {
    const id = call.stepId
    const finishedAt = new Date().toISOString()
    const sig = signalName(o.signal)
    const ended = { ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}), ...(sig ? { signal: sig } : {}) }
    if (signal.aborted) return o.exitCode !== undefined ? { ...stopped(signal), ...ended } : stopped(signal)
    const tail = tailOf(layout.log(id), 10)
    if (o.phase === 'Succeeded') {
      const out = collectOutputs(call.template, outPaths, stdoutPathOf({ layout }, id))
      if (out.problems.length) return { ...errorResult(out.problems.join('; '), 0), record: out.record, finishedAt }
      return { phase: 'Succeeded', outputs: out.outputs, record: out.record, exitCode: 0, finishedAt }
    }
    const how = o.exitCode !== undefined && o.verdict === 'failed' ? (sig ? `killed by ${sig} (exit code ${o.exitCode})` : `exit code ${o.exitCode}`) : (o.message ?? o.verdict)
    return { ...errorResult(tail ? `${how}: ${tail}` : how), phase: o.phase, outputs: sliceReportOf(call.template, outPaths), finishedAt, ...ended }
  }

  return {
    slots: s.slots,
    run: async (call, signal, on) => {
      const id = call.stepId
      const t = call.template
      const callId = call.attempt === 0 ? id : `${id}#${call.attempt}`
      const step = place.step(id)
      const wantsStdout = keepsStdout(t)
      const logPath = place.toRemote(id, layout.log(id))
      const stdout = wantsStdout ? place.toRemote(id, stdoutPathOf({ layout }, id)) : undefined
      let outPaths: Readonly<Record<string, string>>
      let job: Job
      const reattach = journaled.has(callKey(call.runId, callId))
      try {
        if (reattach) {
          await folders.take(id) // its folder is the one the job writes: kept as it is (and not swept as unused)
          outPaths = outputPaths(layout, id, t)
          job = { command: 'false', env: {} } // never run: the queue waits for the job submitted before
        } else {
          const p = await prepareLeaf(id, t, call.inputs, { layout, folders, stage, stores })
          if ('phase' in p) return p
          outPaths = p.outPaths
          const [made, extra] = await Promise.all([t._tag === 'ScriptTemplate' ? scriptJob(call, t, p, logPath, stdout) : fnJob(call, t, logPath), jobEnv(id, t)])
          job = { command: made.command, env: { ...made.env, ...extra } }
          if (!place.inPlace) {
            // a fresh folder on the jobs' side: what an earlier attempt left there is gone
            const rm = await ctx.exec({ argv: ['rm', '-rf', '--', step.remote] })
            if (rm.exitCode !== 0) return errorResult(`could not clear ${ctx.name}:${step.remote}: ${rm.stderr.trim()}`)
            await ctx.put(step.local, step.remote, { via: 'tar' })
          }
        }
      } catch (e) {
        return errorResult(`could not prepare the step's job: ${storageMessage(e)}`)
      }
      if (signal.aborted) return stopped(signal)
      let started = false
      let lastProgress = ''
      const onProgress = (p: string) => p !== lastProgress && ((lastProgress = p), on({ type: 'progress', progress: p }))
      let stopWatching: (() => Promise<void>) | undefined
      const onJob = (e: JobEvent) => {
        if (!started) (started = true), on({ type: 'started' }), (stopWatching = progress.watch(layout.progress(id), place.toRemote(id, layout.progress(id)), onProgress))
        const ev: LeafEvent = { type: 'job', job: { system: s.system.name, name: e.name, ...(e.id ? { id: e.id } : {}), ...(e.state ? { state: e.state.raw, ...(e.state.reason ? { reason: e.state.reason } : {}) } : {}) } }
        on(ev)
      }
      const shape = s.shapeOf(t, call.batch)
      const o = await s.queue.submit({ runId: call.runId, callId, command: job.command, workDir: place.toRemote(id, layout.workdir(id)), filesDir: step.remote, env: job.env, ...(shape ? { shape } : {}) }, signal, onJob)
      if (!started) on({ type: 'started' })
      await stopWatching?.()
      if (!place.inPlace) {
        try {
          await ctx.get(step.remote, step.local, { via: 'tar' })
        } catch (e) {
          if (!signal.aborted) return { ...errorResult(`could not fetch the step's folder from ${ctx.name}:${step.remote}: ${storageMessage(e)}`), finishedAt: new Date().toISOString() }
        }
        // the job's last progress, in its folder now here
        await watchProgress(layout.progress(id), s.progressPollMs, onProgress)()
      }
      const r = resultOf(call, o, outPaths, signal)
      return s.store && r.phase === 'Succeeded' ? commitOutputs(s.store, call, r) : r
    },
    prepare: (id, t) => folders.warm(id, outputFolders(layout, id, t)),
    discard: (id) => folders.drop(id),
    archive: (call) => archiveAttempt(layout.stepDir(call.stepId), call.attempt),
    scriptOf: (t) => (t._tag === 'ScriptTemplate' ? layout.script(t.name).relative : undefined),
    stack: (source, signal) => stackArtifacts({ layout, stores, stage, ...(s.store ? { store: s.store } : {}) }, source, signal),
    parts: (at, signal) => listParts(at, stores, signal),
    close: async () => {
      await folders.sweep()
      await stores.close()
    },
  }
}
