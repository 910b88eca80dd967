import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, open, symlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { decodeParam, encodeParam, render, type IoSpec, type Scalar, type ScriptTemplate } from 'dflow-ts'
import type { RunLayout } from './layout.ts'
import type { Limiter } from './limiter.ts'
import { localPath } from './paths.ts'
import { runProcess, tailOf } from './process-group.ts'
import type { IoRecord, Phase } from './records.ts'
import type { Outputs, Value } from './values.ts'

/** What a leaf needs from the run around it. */
export interface LeafContext {
  readonly layout: RunLayout
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
}

/** How a leaf ended. */
export interface LeafResult {
  readonly phase: Extract<Phase, 'Succeeded' | 'Failed' | 'Error'>
  readonly outputs: Outputs
  readonly record: IoRecord
  readonly exitCode?: number
  readonly message?: string
  /** When the process ended (stamped before its slot is given to another step). */
  readonly finishedAt?: string
}

const errorResult = (message: string, exitCode?: number): LeafResult => ({
  phase: 'Error',
  outputs: {},
  record: { parameters: {}, values: {}, artifacts: {} },
  message,
  ...(exitCode !== undefined ? { exitCode } : {}),
})

/**
 * Makes the step's folders and stages its input artifacts; returns the path each input artifact has for
 * the step. Asynchronous on purpose: creating folders and links is slow on some disks, and in a fan-out
 * the thread pool does it for waiting steps while running ones are being spawned.
 */
const prepare = async (id: string, t: ScriptTemplate, inputs: Readonly<Record<string, Value>>, outPaths: Readonly<Record<string, string>>, ctx: LeafContext): Promise<Record<string, string>> => {
  const workdir = ctx.layout.workdir(id)
  await mkdir(workdir, { recursive: true })
  const staged: Record<string, string> = {}
  const dirs = new Set(Object.values(outPaths).map((p) => dirname(p)))
  const links: [string, string][] = []
  for (const [name, v] of Object.entries(inputs)) {
    if (v.kind === 'param') continue
    if (v.path === null) {
      staged[name] = ''
      continue
    }
    const dst = localPath(ctx.layout, id, 'inputs', 'artifacts', name, (t.inputs as IoSpec)[name]!.path)
    staged[name] = dst
    if (!existsSync(v.path)) throw new Error(`input artifact "${name}": ${v.path} does not exist`)
    dirs.add(dirname(dst))
    links.push([v.path, dst])
  }
  dirs.delete(workdir)
  await Promise.all([...dirs].map((d) => mkdir(d, { recursive: true })))
  await Promise.all(links.map(([src, dst]) => (ctx.stage === 'copy' ? cp(src, dst, { recursive: true }) : symlink(src, dst))))
  return staged
}

/** Writes a template's script the first time one of its steps runs; later calls wait for that write. */
const ensureScript = (t: ScriptTemplate, text: string, ctx: LeafContext): Promise<void> => {
  let written = ctx.scripts.get(t.name)
  if (!written) {
    written = writeFile(ctx.layout.script(t.name).absolute, text)
    ctx.scripts.set(t.name, written)
  }
  return written
}

/** Reads, trims and decodes the outputs a finished script left. */
const collectOutputs = (t: ScriptTemplate, paths: Readonly<Record<string, string>>) => {
  const outputs: Record<string, Value> = {}
  const record = { parameters: {} as Record<string, string>, values: {} as Record<string, unknown>, artifacts: {} as Record<string, string | null> }
  const problems: string[] = []
  for (const [name, spec] of Object.entries(t.outputs as IoSpec)) {
    const p = paths[name]!
    if (spec._tag === 'Artifact') {
      if (!existsSync(p)) {
        if (!spec.optional) problems.push(`output artifact "${name}": ${spec.path ?? p} was not written`)
        record.artifacts[name] = null
        outputs[name] = { kind: 'artifact', path: null }
        continue
      }
      record.artifacts[name] = p
      outputs[name] = { kind: 'artifact', path: p }
      continue
    }
    let wire: string
    try {
      // Argo drops exactly one trailing newline (`echo 4 > f` gives "4").
      wire = readFileSync(p, 'utf8').replace(/\n$/, '')
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
  const rendered = render(t.source)
  let staged: Record<string, string>
  try {
    ;[staged] = await Promise.all([prepare(id, t, inputs, outPaths, ctx), ensureScript(t, rendered.text, ctx)])
  } catch (e) {
    return errorResult((e as Error).message)
  }
  const env: Record<string, string> = { ...ctx.baseEnv, ...(t.env ?? {}) }
  for (const b of rendered.env) env[b.name] = envValue(b.value, inputs, staged, outPaths, ctx, id)
  const scriptPath = layout.script(t.name).absolute

  return ctx.limiter.run(async () => {
    if (signal.aborted) return { ...errorResult(stopMessage(signal)), phase: 'Failed' as const }
    const logPath = layout.log(id)
    const log = await open(logPath, 'a')
    ctx.onStart()
    const [file, ...args] = t.command
    let exit: Awaited<ReturnType<typeof runProcess>>
    try {
      exit = await runProcess({ file: file!, args: [...args, scriptPath], cwd: workdir, env, logFd: log.fd, signal, killGraceSeconds: ctx.killGraceSeconds })
    } finally {
      await log.close()
    }
    const finishedAt = new Date().toISOString()
    if (exit.spawnError) return { ...errorResult(`could not start ${file}: ${exit.spawnError}`), finishedAt }
    if (exit.aborted) return { ...errorResult(stopMessage(signal)), phase: 'Failed' as const, finishedAt, ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}) }
    if (exit.exitCode !== 0) {
      const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`
      const tail = tailOf(logPath, 10)
      return { phase: 'Failed' as const, outputs: {}, record: { parameters: {}, values: {}, artifacts: {} }, exitCode: exit.exitCode ?? 128, message: tail ? `${how}: ${tail}` : how, finishedAt }
    }
    const out = collectOutputs(t, outPaths)
    if (out.problems.length) return { ...errorResult(out.problems.join('; '), 0), record: out.record, finishedAt }
    return { phase: 'Succeeded' as const, outputs: out.outputs, record: out.record, exitCode: 0, finishedAt }
  })
}

/** The message for a step stopped through its abort signal. */
export const stopMessage = (signal: AbortSignal): string => (typeof signal.reason === 'string' ? signal.reason : 'stopped')
