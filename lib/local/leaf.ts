import { writeFile } from 'node:fs/promises'
import { fileVarOf, keepsStdout, render, type LeafTemplate, type ScriptTemplate } from 'dflow-ts'
import type { StepFolders } from '../workdir/folders.ts'
import { envValue, mayBeLarge } from '../workdir/env.ts'
import { localPackagePath, progressEnv } from '../workdir/packages.ts'
import { collectOutputs, sliceReportOf, stdoutPathOf } from '../workdir/outputs.ts'
import { errorResult, prepareLeaf, type PreparedLeaf } from '../workdir/prepare.ts'
import { PRIVATE_FILE, type RunLayout } from '../run/layout.ts'
import type { Limiter } from '../engine/limiter.ts'
import { storageMessage } from '../run/storage-error.ts'
import { exitCodeOf, tailOf, type ProcessExit, type Spawner } from './process-group.ts'
import { LOCAL_STEP_MARK } from './leftovers.ts'
import type { LeafResult } from '../engine/executor.ts'
import { stopMessage } from '../engine/abort.ts'
import type { Value } from '../engine/values.ts'
import { INLINE_LIMIT, type ValueStore } from '../run/value-store.ts'
import type { StoreSet } from '../storage/store-set.ts'

export { errorResult, prepareLeaf, type PreparedLeaf } from '../workdir/prepare.ts'

/** What a leaf needs from the run around it. */
export interface LeafContext {
  readonly layout: RunLayout
  /** Makes step folders (ahead of need where the run knows what comes next). */
  readonly folders: StepFolders
  /** Starts a script step's process. */
  readonly spawn: Spawner
  /** The run's value store: large values reach scripts as files of it. */
  readonly values: ValueStore
  readonly runId: string
  readonly limiter: Limiter
  readonly stage: 'symlink' | 'copy'
  readonly baseEnv: Readonly<Record<string, string>>
  readonly killGraceSeconds: number
  readonly params: Readonly<Record<string, Value>>
  /** Scripts written so far in this run, by template name (each is written once, by its first call). */
  readonly scripts: Map<string, Promise<void>>
  /** Called when the process starts (after waiting for a free slot). */
  readonly onStart: () => void
  /** Told the id of a script step's process (its group's) once it runs. */
  readonly onProcess?: (pid: number) => void
  /** The file a step may write `current/total` to (DFLOW_PROGRESS_FILE, ARGO_PROGRESS_FILE). */
  readonly progressFile?: string
  /** Whether a function-OP worker may serve several calls (default true); false: a fresh process per call. */
  readonly reuseWorkers?: boolean
  /** Where input locations without a local `.path` are fetched from: the run's store, or the store they name. */
  readonly stores: StoreSet
}

/**
 * Takes a slot, launches the prepared leaf and turns how its process ended into the step's result (with the
 * stdout `launch` read, if it read it):
 * Failed with the exit code and the log's tail, Error when outputs are missing or do not decode.
 *
 * @example
 * ```ts
 * await launchLeaf(id, t, prepared, ctx, signal, () => ctx.spawn(…))
 * ```
 */
export const launchLeaf = (id: string, t: LeafTemplate, p: PreparedLeaf, ctx: LeafContext, signal: AbortSignal, launch: () => Promise<ProcessExit>, what: string): Promise<LeafResult> =>
  ctx.limiter.run(async () => {
    if (signal.aborted) return { ...errorResult(stopMessage(signal)), phase: 'Failed' as const }
    ctx.onStart()
    // Launching fails when the step's folder cannot be written (its log cannot be opened, …).
    const exit = await launch().catch((e: unknown): ProcessExit => ({ exitCode: undefined, signal: undefined, aborted: false, spawnError: storageMessage(e) }))
    const finishedAt = new Date().toISOString()
    if (exit.spawnError) return { ...errorResult(`could not start ${what}: ${exit.spawnError}`), finishedAt }
    const exitCode = exitCodeOf(exit)
    const ended = { ...(exitCode !== undefined ? { exitCode } : {}), ...(exit.signal ? { signal: exit.signal } : {}) }
    if (exit.aborted) return { ...errorResult(stopMessage(signal)), phase: 'Failed' as const, finishedAt, ...ended }
    if (exit.exitCode !== 0) {
      const how = exit.signal ? `killed by ${exit.signal} (exit code ${exitCode})` : `exit code ${exit.exitCode}`
      const tail = tailOf(ctx.layout.log(id), 10)
      // A grouped slice's call reports its slices even when one failed: their records need it.
      return { phase: 'Failed' as const, outputs: sliceReportOf(t, p.outPaths), record: { parameters: {}, values: {}, artifacts: {} }, ...ended, message: tail ? `${how}: ${tail}` : how, finishedAt }
    }
    const out = collectOutputs(t, p.outPaths, stdoutPathOf(ctx, id), exit.stdout)
    if (out.problems.length) return { ...errorResult(out.problems.join('; '), 0), record: out.record, finishedAt }
    return { phase: 'Succeeded' as const, outputs: out.outputs, record: out.record, exitCode: 0, finishedAt }
  })

/**
 * The environment every leaf starts from: the base, the template's own, the progress file, shipped packages, and
 * {@link LOCAL_STEP_MARK} (what a restart finds a killed driver's steps by, lib/local/leftovers.ts).
 * @example leafEnv(hello, ctx).DFLOW_PROGRESS_FILE // '/runs/x/steps/hello/progress'
 */
export const leafEnv = (t: LeafTemplate, ctx: LeafContext): Record<string, string> => {
  const env: Record<string, string> = {
    ...ctx.baseEnv,
    ...(t.env ?? {}),
    ...(ctx.progressFile ? progressEnv(ctx.progressFile) : {}),
    [LOCAL_STEP_MARK]: '1',
  }
  return { ...env, ...localPackagePath(t, env) }
}

/**
 * Runs one call of a script template as a local process in its own work folder: checks and stages the
 * inputs, writes the rendered script, runs it with every hole bound as an environment variable, then
 * reads and decodes the outputs. Never throws for a failure of the step: the result says what happened.
 *
 * @example
 * ```ts
 * const r = await runLeaf('hello1', duplicate, { msg: { kind: 'param', wire: '1' }, foo: … }, ctx, signal)
 * r.phase // 'Succeeded'; r.outputs.msg // { kind: 'param', wire: '2' }
 * ```
 */
export const runLeaf = async (id: string, t: ScriptTemplate, inputs: Readonly<Record<string, Value>>, ctx: LeafContext, signal: AbortSignal): Promise<LeafResult> => {
  const rendered = render(t.source, { fromFile: mayBeLarge })
  const [p, scriptError] = await Promise.all([prepareLeaf(id, t, inputs, ctx), ensureScript(t, rendered.text, ctx).then(() => undefined, storageMessage)])
  if ('phase' in p) return p
  if (scriptError) return errorResult(scriptError)
  const env = leafEnv(t, ctx)
  for (const b of rendered.env) {
    const value = envValue(b.value, inputs, p.staged, p.outPaths, ctx, id)
    // A large value reaches the script as a file of the value store, which the script's first lines read.
    if (value.length > INLINE_LIMIT && mayBeLarge(b.value)) {
      try {
        env[fileVarOf(b.name)] = ctx.values.pathOf(ctx.values.put(value))
      } catch (e) {
        return errorResult(storageMessage(e))
      }
    } else env[b.name] = value
  }
  const scriptPath = ctx.layout.script(t.name).absolute
  const [file, ...args] = t.command
  // Only a template that declares `stdout()` has its stdout kept (it reaches the log all the same, as it comes).
  const captureStdout = keepsStdout(t)
  const launch = () => ctx.spawn({ file: file!, args: [...args, scriptPath], cwd: p.workdir, env, logPath: ctx.layout.log(id), captureStdout, signal, killGraceSeconds: ctx.killGraceSeconds, ...(ctx.onProcess ? { onStarted: ctx.onProcess } : {}) })
  return launchLeaf(id, t, p, ctx, signal, launch, file!)
}

/** Writes a template's script the first time one of its steps runs; later calls wait for that write. */
const ensureScript = (t: ScriptTemplate, text: string, ctx: LeafContext): Promise<void> => {
  let written = ctx.scripts.get(t.name)
  if (!written) {
    written = writeFile(ctx.layout.script(t.name).absolute, text, { mode: PRIVATE_FILE })
    ctx.scripts.set(t.name, written)
  }
  return written
}
