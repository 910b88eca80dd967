import { existsSync, readFileSync } from 'node:fs'
import { appendFile, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { delimiter, dirname, join, resolve } from 'node:path'
import { decodeParam, encodeParam, fileVarOf, outputValueOf, render, type IoSpec, type LeafTemplate, type Scalar, type ScriptTemplate } from 'dflow-ts'
import type { StepFolders } from './folders.ts'
import { PRIVATE_DIR, PRIVATE_FILE, type RunLayout } from '../run/layout.ts'
import type { Limiter } from '../engine/limiter.ts'
import { localPath } from './paths.ts'
import { storageMessage } from '../run/storage-error.ts'
import { exitCodeOf, tailOf, type ProcessExit, type Spawner } from './process-group.ts'
import type { LeafResult } from '../engine/executor.ts'
import { stopMessage } from '../engine/abort.ts'
import type { Outputs, Value } from '../engine/values.ts'
import { INLINE_LIMIT, type ValueStore } from '../run/value-store.ts'
import { fileLocation, type ArtifactLocation } from '../storage/location.ts'
import type { StoreSet } from '../storage/store-set.ts'

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
  /** The file a step may write `current/total` to (DFLOW_PROGRESS_FILE, ARGO_PROGRESS_FILE). */
  readonly progressFile?: string
  /** Whether a function-OP worker may serve several calls (default true); false: a fresh process per call. */
  readonly reuseWorkers?: boolean
  /** Where input locations without a local `.path` are fetched from: the run's store, or the store they name. */
  readonly stores: StoreSet
}

/** A result for a step that could not run. @example errorResult('input artifact "foo": /x does not exist') */
export const errorResult = (message: string, exitCode?: number): LeafResult => ({
  phase: 'Error',
  outputs: {},
  record: { parameters: {}, values: {}, artifacts: {} },
  message,
  ...(exitCode !== undefined ? { exitCode } : {}),
})

/** Stages input artifacts (asynchronously: see {@link prepareLeaf}); returns the path each one has for the step. */
const stageInputs = async (id: string, t: LeafTemplate, inputs: Readonly<Record<string, Value>>, ctx: LeafContext): Promise<Record<string, string>> => {
  const staged: Record<string, string> = {}
  const links: [string, string][] = []
  const fetches: [string, ArtifactLocation, string][] = []
  for (const [name, v] of Object.entries(inputs)) {
    if (v.kind === 'param') continue
    if (v.at === null) {
      staged[name] = ''
      continue
    }
    const dst = localPath(ctx.layout, id, 'inputs', 'artifacts', name, (t.inputs as IoSpec)[name]!.path)
    staged[name] = dst
    // A location on this machine is linked (or copied) in place; any other is fetched from its store.
    if (v.at.path === undefined) {
      fetches.push([name, v.at, dst])
      continue
    }
    if (!existsSync(v.at.path)) throw new Error(`input artifact "${name}": ${v.at.path} does not exist`)
    links.push([v.at.path, dst])
  }
  await Promise.all([...new Set(links.map(([, dst]) => dirname(dst)))].map((d) => mkdir(d, { recursive: true, mode: PRIVATE_DIR })))
  await Promise.all([
    ...links.map(([src, dst]) => (ctx.stage === 'copy' ? cp(src, dst, { recursive: true }) : symlink(src, dst))),
    ...fetches.map(async ([name, at, dst]) => {
      try {
        const [store, here] = ctx.stores.holding(at)
        await store.get(here, dst)
      } catch (e) {
        throw new Error(`input artifact "${name}": ${(e as Error).message}`)
      }
    }),
  ])
  return staged
}

/** Reads, trims and decodes the outputs a finished script left. */
const collectOutputs = (t: LeafTemplate, paths: Readonly<Record<string, string>>, stdoutPath: string) => {
  const outputs: Record<string, Value> = {}
  const record = { parameters: {} as Record<string, string>, values: {} as Record<string, unknown>, artifacts: {} as Record<string, ArtifactLocation | null> }
  const problems: string[] = []
  for (const [name, spec] of Object.entries(t.outputs as IoSpec)) {
    const p = spec._tag === 'Param' && spec.stdout ? stdoutPath : paths[name]!
    if (spec._tag === 'Artifact') {
      if (!existsSync(p)) {
        if (!spec.optional) problems.push(`output artifact "${name}": ${spec.path ?? p} was not written`)
        record.artifacts[name] = null
        outputs[name] = { kind: 'artifact', at: null }
        continue
      }
      // Where the step wrote it: the executor commits it to the run's store, if it has one (see executor.ts).
      const at = fileLocation(p)
      record.artifacts[name] = at
      outputs[name] = { kind: 'artifact', at }
      continue
    }
    let wire: string
    try {
      // Argo drops exactly one trailing newline (`echo 4 > f` gives "4"), but keeps a big parameter's bytes (an artifact).
      wire = outputValueOf(readFileSync(p, 'utf8'), !!spec.big)
    } catch {
      if (!spec.default) {
        problems.push(`output parameter "${name}": ${spec.path ?? p} was not written and it has no default`)
        continue
      }
      wire = encodeParam(spec.codec, spec.default.value)
    }
    const d = decodeParam(spec.codec, wire)
    if (!d.ok) {
      problems.push(`output parameter "${name}": ${d.message}`)
      continue
    }
    record.parameters[name] = wire
    record.values[name] = spec.codec.encode(d.value)
    outputs[name] = { kind: 'param', wire }
  }
  return { outputs, record, problems }
}

/** The value of each environment variable a rendered script expects. */
const envValue = (v: Scalar, inputs: Readonly<Record<string, Value>>, staged: Readonly<Record<string, string>>, outPaths: Readonly<Record<string, string>>, ctx: LeafContext, id: string): string => {
  if (typeof v !== 'object') return String(v)
  switch (v._tag) {
    case 'ParamRef': {
      const val = v.source.kind === 'workflow' ? ctx.params[v.name] : inputs[v.name]
      return val?.kind === 'param' ? val.wire : ''
    }
    case 'ArtifactRef':
      return staged[v.name] ?? ''
    case 'OutputPath':
      return outPaths[v.name]!
    case 'ContextVar':
      return v.name === 'workflow.name' ? ctx.runId : id
  }
}

/** A leaf ready to launch: its work folder, staged inputs and output paths. @example const p: PreparedLeaf = { workdir: '/runs/x/steps/a/workdir', staged: {}, outPaths: {} } */
export interface PreparedLeaf {
  readonly workdir: string
  readonly staged: Readonly<Record<string, string>>
  readonly outPaths: Readonly<Record<string, string>>
}

/**
 * Checks the input parameters, takes the step's folders (see {@link StepFolders}), makes the output
 * folders and stages input artifacts; or says why the step errors. Asynchronous on purpose: creating a
 * folder or a link costs up to a millisecond on some disks, and in a fan-out the thread pool does it for
 * waiting steps while running ones are being spawned.
 *
 * @example
 * ```ts
 * const p = await prepareLeaf('hello1', duplicate, inputs, ctx) // { workdir, staged, outPaths } or a LeafResult
 * ```
 */
export const prepareLeaf = async (id: string, t: LeafTemplate, inputs: Readonly<Record<string, Value>>, ctx: LeafContext): Promise<PreparedLeaf | LeafResult> => {
  for (const [name, v] of Object.entries(inputs)) {
    const spec = (t.inputs as IoSpec)[name]
    if (spec?._tag === 'Param' && v.kind === 'param') {
      const d = decodeParam(spec.codec, v.wire)
      if (!d.ok) return errorResult(`input parameter "${name}": ${d.message}`)
    }
  }
  const { layout } = ctx
  const workdir = layout.workdir(id)
  const outPaths = Object.fromEntries(
    Object.entries(t.outputs as IoSpec).map(([name, s]) => [name, localPath(layout, id, 'outputs', s._tag === 'Param' ? 'parameters' : 'artifacts', name, s.path)]),
  )
  try {
    await ctx.folders.take(id)
    const dirs = new Set(Object.values(outPaths).map((p) => dirname(p)))
    dirs.delete(workdir)
    const [staged] = await Promise.all([stageInputs(id, t, inputs, ctx), ...[...dirs].map((d) => mkdir(d, { recursive: true, mode: PRIVATE_DIR }))])
    return { workdir, staged, outPaths }
  } catch (e) {
    return errorResult(storageMessage(e))
  }
}

/**
 * Takes a slot, launches the prepared leaf and turns how its process ended into the step's result:
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
      return { phase: 'Failed' as const, outputs: {}, record: { parameters: {}, values: {}, artifacts: {} }, ...ended, message: tail ? `${how}: ${tail}` : how, finishedAt }
    }
    const out = collectOutputs(t, p.outPaths, stdoutPathOf(ctx, id))
    if (out.problems.length) return { ...errorResult(out.problems.join('; '), 0), record: out.record, finishedAt }
    return { phase: 'Succeeded' as const, outputs: out.outputs, record: out.record, exitCode: 0, finishedAt }
  })

/** The environment every leaf starts from: the base, the template's own, the progress file, shipped packages. @example leafEnv(hello, ctx).DFLOW_PROGRESS_FILE // '/runs/x/steps/hello/progress' */
export const leafEnv = (t: LeafTemplate, ctx: LeafContext): Record<string, string> => {
  const env: Record<string, string> = {
    ...ctx.baseEnv,
    ...(t.env ?? {}),
    ...(ctx.progressFile ? { DFLOW_PROGRESS_FILE: ctx.progressFile, ARGO_PROGRESS_FILE: ctx.progressFile } : {}),
  }
  const pkgs = (t.packages ?? []).map((d) => dirname(resolve(d)))
  if (pkgs.length) for (const k of ['NODE_PATH', 'PYTHONPATH']) env[k] = [...pkgs, ...(env[k] ? [env[k]!] : [])].join(delimiter)
  return env
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
  // Only a template that declares `stdout()` has its stdout kept apart (appended to the log at the end).
  const wantsStdout = Object.values(t.outputs as IoSpec).some((s) => s._tag === 'Param' && s.stdout)
  const logPath = ctx.layout.log(id)
  const stdoutPath = wantsStdout ? stdoutPathOf(ctx, id) : undefined
  const launch = async () => {
    const exit = await ctx.spawn({ file: file!, args: [...args, scriptPath], cwd: p.workdir, env, logPath, ...(stdoutPath ? { stdoutPath } : {}), signal, killGraceSeconds: ctx.killGraceSeconds })
    if (stdoutPath && existsSync(stdoutPath)) await appendFile(logPath, await readFile(stdoutPath))
    return exit
  }
  return launchLeaf(id, t, p, ctx, signal, launch, file!)
}

/** The holes whose value may be large, and so may reach the script as a file: parameters and string literals. */
const mayBeLarge = (v: Scalar): boolean => typeof v === 'string' || (typeof v === 'object' && v._tag === 'ParamRef')

/** Where a step's stdout goes when its template reads a result from it (`stdout()` outputs). */
const stdoutPathOf = (ctx: LeafContext, id: string): string => join(ctx.layout.stepDir(id), 'stdout.txt')

/** Writes a template's script the first time one of its steps runs; later calls wait for that write. */
const ensureScript = (t: ScriptTemplate, text: string, ctx: LeafContext): Promise<void> => {
  let written = ctx.scripts.get(t.name)
  if (!written) {
    written = writeFile(ctx.layout.script(t.name).absolute, text, { mode: PRIVATE_FILE })
    ctx.scripts.set(t.name, written)
  }
  return written
}
