import { dirname } from 'node:path'
import { fileLocation, isLocation, type ArtifactLocation } from '../storage/location.ts'
import type { IoRecord, StepRecord } from './records.ts'
import type { StepView } from './run-view.ts'
import { valueStore, wiresOf } from './value-store.ts'

/**
 * A step of an earlier run chosen to be reused in a new one (`run(wf, { reuse })`): in the new run, the step
 * with the same key (and template) is not run; this record's outputs stand for it, with the changes
 * `modified` names (dflow's `modify_output_parameter` / `modify_output_artifact`).
 *
 * @example
 * ```ts
 * const r: ReusedStep = reusedStep(run.step({ key: 'iter-1' }))
 * r.outputs.parameters.iter // '2'
 * ```
 */
export interface ReusedStep {
  readonly _tag: 'ReusedStep'
  /** The earlier run's id. */
  readonly run: string
  readonly record: StepRecord
  /** Its outputs with every parameter's wire string inline (large ones read back from its run's value store). */
  readonly outputs: IoRecord
  /** Output parameters replaced, as values (encoded with the new step's codecs when it is reused). */
  readonly parameters: Readonly<Record<string, unknown>>
  /** The names of the outputs replaced. */
  readonly modified: readonly string[]
}

/** What {@link modifyOutputs} replaces: parameters by value, artifacts by location or local path. @example const m: OutputChanges = { parameters: { iter: 3 } } */
export interface OutputChanges {
  readonly parameters?: Readonly<Record<string, unknown>>
  readonly artifacts?: Readonly<Record<string, ArtifactLocation | string>>
}

/**
 * A step of a run (a `StepView` of `run.steps(…)` or `openRun(dir)`), as a {@link ReusedStep}. It must have a
 * key (steps are matched by key) and have succeeded.
 *
 * @example
 * ```ts
 * reusedStep(run.step({ key: 'iter-0' })).record.key // 'iter-0'
 * ```
 */
export const reusedStep = (s: StepView | ReusedStep): ReusedStep => {
  if ('_tag' in s && s._tag === 'ReusedStep') return s
  const view = s as StepView
  const r = view.record
  if (r.key === undefined) throw new Error(`step ${r.id} has no key: only steps with a key can be reused (give it one: step(…, { key }))`)
  if (r.phase !== 'Succeeded') throw new Error(`step ${r.id} (key ${r.key}) is ${r.phase}: only a step that succeeded can be reused`)
  // A step's folder is <run folder>/steps/<id>.
  const runDir = dirname(dirname(view.dir))
  const parameters = wiresOf(r.outputs, valueStore(runDir))
  const { stored: _, ...inline } = r.outputs
  return Object.freeze({ _tag: 'ReusedStep' as const, run: runDir, record: r, outputs: { ...inline, parameters }, parameters: {}, modified: [] })
}

/**
 * A step to reuse with some of its outputs replaced first (dflow's `modify_output_parameter` and
 * `modify_output_artifact`): parameters by value (encoded with the reusing step's codec), artifacts by location
 * (an `ArtifactOutput` of any run) or local path.
 *
 * @example
 * ```ts
 * await local().run(wf, { reuse: [run.step({ key: 'iter-0' }), modifyOutputs(run.step({ key: 'iter-1' }), { parameters: { iter: 3 } })] })
 * ```
 */
export const modifyOutputs = (s: StepView | ReusedStep, changes: OutputChanges): ReusedStep => {
  const r = reusedStep(s)
  const artifacts = Object.fromEntries(
    Object.entries(changes.artifacts ?? {}).map(([k, v]) => {
      if (!(k in r.outputs.artifacts)) throw new Error(`step ${r.record.id} has no output artifact "${k}" (it has: ${Object.keys(r.outputs.artifacts).join(', ') || 'none'})`)
      return [k, typeof v === 'string' ? fileLocation(v) : isLocation(v) ? { store: v.store, key: v.key, ...(v.path !== undefined ? { path: v.path } : {}) } : v]
    }),
  )
  for (const k of Object.keys(changes.parameters ?? {}))
    if (!(k in r.outputs.parameters)) throw new Error(`step ${r.record.id} has no output parameter "${k}" (it has: ${Object.keys(r.outputs.parameters).join(', ') || 'none'})`)
  return Object.freeze({
    ...r,
    outputs: { ...r.outputs, artifacts: { ...r.outputs.artifacts, ...artifacts } },
    parameters: { ...r.parameters, ...changes.parameters },
    modified: [...new Set([...r.modified, ...Object.keys(changes.parameters ?? {}), ...Object.keys(artifacts)])],
  })
}
