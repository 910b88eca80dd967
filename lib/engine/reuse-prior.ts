import { basename } from 'node:path'
import { encodeParam, type IoSpec } from 'dflow-ts'
import type { ReusedStep } from '../run/reuse.ts'
import type { IoRecord } from '../run/records.ts'
import type { Prior } from './prior.ts'
import type { Outputs, Value } from './values.ts'

/**
 * The prior of `run(wf, { reuse })`: a leaf call whose key is that of a reused step (of the same template) is
 * settled with that step's outputs (modified where asked), recorded in the new run as `reused` from the earlier
 * run's step. Keys given twice: the last wins.
 *
 * @example
 * ```ts
 * await runWorkflow(wf, { ...given, prior: reusePrior([reusedStep(run.step({ key: 'iter-0' }))]) })
 * ```
 */
export const reusePrior = (reused: readonly ReusedStep[]): Prior => {
  const byKey = new Map(reused.map((r) => [r.record.key!, r]))
  return ({ call, inputs, base }) => {
    const r = call.key === undefined ? undefined : byKey.get(call.key)
    if (!r || r.record.template !== call.template.name) return undefined
    const specs = call.template.outputs as IoSpec
    const parameters: Record<string, string> = { ...r.outputs.parameters }
    const values: Record<string, unknown> = { ...r.outputs.values }
    for (const [k, v] of Object.entries(r.parameters)) {
      const spec = specs[k]
      parameters[k] = spec?._tag === 'Param' ? encodeParam(spec.codec, v) : typeof v === 'string' ? v : JSON.stringify(v)
      values[k] = spec?._tag === 'Param' ? spec.codec.encode(v) : v
    }
    const io: IoRecord = { parameters, values, artifacts: r.outputs.artifacts }
    const outputs: Outputs = {
      ...Object.fromEntries(Object.entries(parameters).map(([k, wire]): [string, Value] => [k, { kind: 'param', wire }])),
      ...Object.fromEntries(Object.entries(io.artifacts).map(([k, at]): [string, Value] => [k, { kind: 'artifact', at }])),
    }
    const at = new Date().toISOString()
    return { settled: { record: { ...base, phase: 'Succeeded', startedAt: at, finishedAt: at, inputs, outputs: io, reused: { from: 'reuse', run: basename(r.run), step: r.record.id } }, outputs, append: true } }
  }
}
