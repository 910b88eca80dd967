import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { format } from 'node:util'
import { SLICES_REPORT, decodeParam, encodeParam, EXIT, finite, groupedTemplateOf, outputTextOf, type ArtifactShape, type FnContext, type FnTemplate, type GroupContext, type IoSpec } from 'dflow-ts'
import { readShaped, shapeMismatch, writeShaped } from './shapes.ts'
import { sliceIo } from './slice-io.ts'

/**
 * One call of a function OP, as the runtime sees it (locally sent by the driver, on Argo built from the
 * pod's environment): input parameters inline (`wire`) or in a file (big parameters), staged input
 * artifacts, where each output must go, and the context.
 *
 * @example
 * ```ts
 * const job: FnJob = { params: { num: { wire: '3' } }, artifacts: { foo: '/w/in/foo' }, outputs: { msg: '/w/out/msg' }, workdir: '/w', key: 'step', workflowName: 'python' }
 * ```
 */
export interface FnJob {
  readonly params: Readonly<Record<string, { readonly wire: string } | { readonly file: string }>>
  readonly artifacts: Readonly<Record<string, string | null>>
  readonly outputs: Readonly<Record<string, string>>
  readonly workdir: string
  readonly key: string
  readonly workflowName: string
  /** Where `ctx.progress` writes `current/total`. */
  readonly progressFile?: string
}

/** A failed check, printed as `input parameter "num": expected number, got "three"`. */
class CheckError extends Error {}

const show = (v: unknown): string => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v))
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

/** Decodes and checks the inputs: the values the body receives. */
const decodeInputs = (t: FnTemplate, job: FnJob): Record<string, unknown> => {
  const values: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(t.inputs as IoSpec)) {
    if (spec._tag === 'Artifact') {
      const p = job.artifacts[name] ?? null
      if (p === null && !spec.optional) throw new CheckError(`input artifact "${name}": expected a path, got nothing`)
      values[name] = p === null ? null : readShaped(p, spec.shape as ArtifactShape | undefined)
      continue
    }
    const given = job.params[name]
    const wire = given === undefined ? (spec.default ? encodeParam(spec.codec, spec.default.value) : undefined) : 'wire' in given ? given.wire : readFileSync(given.file, 'utf8')
    if (wire === undefined) throw new CheckError(`input parameter "${name}": expected ${spec.codec.name}, got nothing`)
    const d = decodeParam(spec.codec, wire)
    if (!d.ok) throw new CheckError(`input parameter "${name}": ${d.message}`)
    values[name] = d.value
  }
  return values
}

/** Checks what the body returned and writes every output where the step expects it. */
const writeOutputs = (t: FnTemplate, job: FnJob, returned: unknown): void => {
  if (typeof returned !== 'object' || returned === null) throw new CheckError(`the body returned ${show(returned)}, expected a record of outputs`)
  const r = returned as Record<string, unknown>
  const extra = Object.keys(r).filter((k) => !(k in t.outputs))
  if (extra.length) throw new CheckError(`the body returned unknown output(s) ${extra.map((k) => `"${k}"`).join(', ')}; declared: ${Object.keys(t.outputs).join(', ') || 'none'}`)
  for (const [name, spec] of Object.entries(t.outputs as IoSpec)) {
    const out = job.outputs[name]!
    const v = r[name]
    if (spec._tag === 'Param') {
      const value = v === undefined && spec.default ? spec.default.value : v
      if (v === undefined && !spec.default) throw new CheckError(`output parameter "${name}": expected ${spec.codec.name}, got nothing`)
      if (!spec.codec.is(value)) throw new CheckError(`output parameter "${name}": expected ${spec.codec.name}, got ${show(value)}`)
      // JSON has no Infinity or NaN: encoded, they would come back as null.
      if (!finite(spec.codec.encode(value))) throw new CheckError(`output parameter "${name}": ${show(value)} holds a number that is not finite, which a parameter cannot carry (JSON writes it as null)`)
      mkdirSync(dirname(out), { recursive: true })
      // Argo drops one trailing newline from an output parameter's file: write it so that the exact value remains.
      writeFileSync(out, outputTextOf(encodeParam(spec.codec, value), !!spec.big))
      continue
    }
    if (v === undefined || v === null) {
      if (!spec.optional) throw new CheckError(`output artifact "${name}": expected ${shapeMismatch(undefined, spec.shape) ?? 'a path'}, got nothing`)
      continue
    }
    const wrong = shapeMismatch(v, spec.shape)
    if (wrong) throw new CheckError(`output artifact "${name}": expected ${wrong}, got ${show(v)}`)
    try {
      writeShaped(v, out, spec.shape, job.workdir)
    } catch (e) {
      throw new CheckError(`output artifact "${name}": ${(e as Error).message}`)
    }
  }
}

/** The context a body receives (a grouped slice's template also the I/O of its slices). */
const contextOf = (t: FnTemplate, job: FnJob, log: (line: string) => void): FnContext | GroupContext => {
  const op = groupedTemplateOf(t)
  const base = plainContextOf(job, log)
  return op?._tag === 'FnTemplate' ? { ...base, slices: sliceIo(op, job.workdir, job.artifacts) } : base
}

const plainContextOf = (job: FnJob, log: (line: string) => void): FnContext => ({
  workdir: job.workdir,
  key: job.key,
  workflowName: job.workflowName,
  progress: (current, total) => {
    if (job.progressFile) writeFileSync(job.progressFile, `${Math.floor(current)}/${Math.floor(total)}`)
  },
  log: (...args) => log(`${format(...args)}\n`),
})

/** The report of a grouped call whose slices failed (the error carries it: see groupedFn), written where its output goes. */
const writeReport = (job: FnJob, e: unknown): void => {
  const report = typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[SLICES_REPORT] : undefined
  const out = job.outputs[SLICES_REPORT]
  if (report === undefined || out === undefined) return
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(report))
}

/**
 * Runs one call of a function OP: decodes and checks the inputs, runs the body with its context, checks
 * and writes the outputs. Returns the exit code the step ends with — 0; 1 for a `TransientError` or any
 * other exception; 2 for a `FatalError` or a failed type check (retrying cannot fix it) — after printing
 * why on `err`.
 *
 * @example
 * ```ts
 * const code = await runFn(duplicate, job, (s) => process.stdout.write(s), (s) => process.stderr.write(s))
 * ```
 */
export const runFn = async (t: FnTemplate, job: FnJob, out: (s: string) => void, err: (s: string) => void): Promise<number> => {
  try {
    const inputs = decodeInputs(t, job)
    const returned = await t.body(inputs as never, contextOf(t, job, out))
    writeOutputs(t, job, returned)
    return EXIT.ok
  } catch (e) {
    writeReport(job, e)
    const name = (e as Error)?.name
    if (e instanceof CheckError) {
      err(`type check failed: ${e.message}\n`)
      return EXIT.fatal
    }
    if (name === 'FatalError') {
      err(`FatalError: ${(e as Error).message}\n`)
      return EXIT.fatal
    }
    err(name === 'TransientError' ? `TransientError: ${(e as Error).message}\n` : `${(e as Error)?.stack ?? String(e)}\n`)
    return EXIT.transient
  }
}
