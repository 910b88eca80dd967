import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SLICES_REPORT, decodeParam, encodeParam, outputValueOf, type IoSpec, type LeafTemplate } from 'dflow-ts'
import type { Value } from '../engine/values.ts'
import type { RunLayout } from '../run/layout.ts'
import { fileLocation, type ArtifactLocation } from '../storage/location.ts'

/**
 * Reads, trims and decodes the outputs a finished step left in its folder, by Argo's rules (one trailing
 * newline dropped, defaults for missing parameters, optional artifacts): the outputs, their record, and
 * what is wrong (a missing output, a value that does not decode). `stdout`: the step's stdout when the caller
 * has read it already (the stdout file is then not read again).
 *
 * @example
 * ```ts
 * const { outputs, record, problems } = collectOutputs(duplicate, prepared.outPaths, stdoutPathOf(ctx, 'hello1'))
 * ```
 */
export const collectOutputs = (t: LeafTemplate, paths: Readonly<Record<string, string>>, stdoutPath: string, stdout?: Buffer) => {
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
      wire = outputValueOf(p === stdoutPath && stdout ? stdout.toString('utf8') : readFileSync(p, 'utf8'), !!spec.big)
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

/**
 * The report a grouped slice's call left (its `dflow_slices` output) when the call failed: how each of its
 * slices ended, for the slices' records (none when the template reports no slices or left no report).
 *
 * @example
 * ```ts
 * sliceReportOf(groupedTemplate, prepared.outPaths) // { dflow_slices: { kind: 'param', wire: '[{"index":0,…}]' } }
 * ```
 */
export const sliceReportOf = (t: LeafTemplate, paths: Readonly<Record<string, string>>): Record<string, Value> => {
  const p = (t.outputs as IoSpec)[SLICES_REPORT]?._tag === 'Param' ? paths[SLICES_REPORT] : undefined
  if (p === undefined || !existsSync(p)) return {}
  try {
    return { [SLICES_REPORT]: { kind: 'param', wire: outputValueOf(readFileSync(p, 'utf8'), false) } }
  } catch {
    return {}
  }
}

/** Where a step's stdout goes when its template reads a result from it (`stdout()` outputs). @example stdoutPathOf(ctx, 'a') // '…/steps/a/stdout.txt' */
export const stdoutPathOf = (ctx: { readonly layout: RunLayout }, id: string): string => join(ctx.layout.stepDir(id), 'stdout.txt')

