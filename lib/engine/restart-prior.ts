import type { ArtifactLocation } from '../storage/location.ts'
import type { IoRecord, StepRecord } from '../run/records.ts'
import type { Prior } from './prior.ts'
import type { Outputs, Value } from './values.ts'

/**
 * What a restart's prior is given: the records the earlier drivers left, how to read a record's parameters
 * back (large ones are in the run's value store), whether a recorded artifact is still there, and the
 * templates that changed since (with `--allow-changes`).
 *
 * @example
 * ```ts
 * const e: Earlier = { steps, wires: (io) => wiresOf(io, values), exists: (at) => at.path === undefined || existsSync(at.path), changed: new Set() }
 * ```
 */
export interface Earlier {
  readonly steps: readonly StepRecord[]
  readonly wires: (io: IoRecord) => Readonly<Record<string, string>>
  readonly exists: (at: ArtifactLocation) => boolean
  readonly changed: ReadonlySet<string>
}

const where = (at: ArtifactLocation | null | undefined): string => (at ? `${at.store}\0${at.key}` : '')

/** A recorded IoRecord as the values siblings read. @example outputsOf(record.outputs, wires) // { iter: { kind: 'param', wire: '1' } } */
export const outputsOf = (io: IoRecord, wires: (io: IoRecord) => Readonly<Record<string, string>>): Outputs => ({
  ...Object.fromEntries(Object.entries(wires(io)).map(([k, wire]): [string, Value] => [k, { kind: 'param', wire }])),
  ...Object.fromEntries(Object.entries(io.artifacts).map(([k, at]): [string, Value] => [k, { kind: 'artifact', at }])),
})

/**
 * The prior of a restart: a leaf call whose step an earlier driver recorded Succeeded — with the same template
 * (unchanged), the same inputs, and its output artifacts still there — is settled with that record (not
 * appended again: the journal has it). A step that was in flight (recorded Running) runs again, its executor
 * told of the earlier attempt. A step that runs again when it had succeeded (its template changed, or its inputs
 * did) makes every step that reads one of its artifacts run again too: its files are rewritten where they were.
 *
 * @example
 * ```ts
 * await runWorkflow(wf, { ...given, earlier: state, prior: restartPrior({ steps: state.steps, wires, exists, changed }) })
 * ```
 */
export const restartPrior = (e: Earlier): Prior => {
  const byId = new Map(e.steps.map((r) => [r.id, r]))
  /** Artifacts an earlier driver recorded for steps that run again: whoever reads them runs again. */
  const rewritten = new Set<string>()
  const sameInputs = (was: IoRecord, now: IoRecord): boolean => {
    const wires = e.wires(was)
    const names = Object.keys(now.parameters)
    if (names.length !== Object.keys(wires).length || names.some((k) => wires[k] !== now.parameters[k])) return false
    const arts = Object.entries(now.artifacts)
    return arts.length === Object.keys(was.artifacts).length && arts.every(([k, at]) => where(at) === where(was.artifacts[k]) && !rewritten.has(where(at)))
  }
  return ({ call, inputs }) => {
    const r = byId.get(call.stepId)
    if (!r) return undefined
    const keep =
      r.phase === 'Succeeded' &&
      r.type === 'Pod' &&
      r.template === call.template.name &&
      !e.changed.has(r.template) &&
      sameInputs(r.inputs, inputs) &&
      Object.values(r.outputs.artifacts).every((at) => at === null || e.exists(at))
    if (keep) return { settled: { record: r, outputs: outputsOf(r.outputs, e.wires), append: false } }
    for (const at of Object.values(r.outputs.artifacts)) if (at) rewritten.add(where(at))
    return r.phase === 'Running' || r.phase === 'Pending' ? { earlier: { ...(r.startedAt ? { startedAt: r.startedAt } : {}), attempts: r.attempts ?? [] } } : undefined
  }
}
