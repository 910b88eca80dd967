import { SLICE_GROUP, SLICE_INDEX, SLICES_REPORT, decodeParam, type GroupingData, type IoSpec, type LeafTemplate, type SliceReport } from 'dflow-ts'
import type { IoRecord, StepRecord } from '../run/records.ts'
import { aggregate, wireOfItem } from './control.ts'
import type { ArtifactLocation } from '../storage/location.ts'
import { partAt } from './slice-parts.ts'
import type { ArtifactValue, Outputs } from './values.ts'

/*
 * A grouped slice locally: the engine runs one call per group (the group's item holds its slices' elements,
 * see `groupItems`); the call's template (`groupedFn`) runs the slices and reports each one. Here, the
 * engine's side: each slice's record under the call that ran it, and the slices' outputs stacked in slice
 * order exactly as an ungrouped slice's are (`aggregate` over the slices).
 */

/** The slices a group's call reported (none when it left no report). */
const reportsOf = (o: Outputs | undefined): readonly SliceReport[] => {
  const v = o?.[SLICES_REPORT]
  if (v?.kind !== 'param') return []
  try {
    const parsed: unknown = JSON.parse(v.wire)
    return Array.isArray(parsed) ? (parsed as SliceReport[]) : []
  } catch {
    return []
  }
}

/**
 * The outputs of a grouped slice: every slice's output parameters (from the reports of the calls that
 * succeeded), stacked in slice order as an ungrouped slice stacks its calls'.
 *
 * @example
 * ```ts
 * stackSlices(op, [{ dflow_slices: { kind: 'param', wire: '[{"index":0,"phase":"Succeeded","outputs":{"y":"1"}}]' } }]) // { y: { kind: 'param', wire: '["1"]' }, … }
 * ```
 */
export const stackSlices = (template: LeafTemplate, calls: readonly Outputs[]): Outputs =>
  aggregate(
    template,
    calls
      .flatMap(reportsOf)
      .sort((a, b) => a.index - b.index)
      .map((r) => Object.fromEntries(Object.entries(r.outputs).map(([k, wire]) => [k, { kind: 'param' as const, wire }]))),
  )

/**
 * The output artifacts of a grouped slice, as an ungrouped slice's (fan-ins, stacked when read): slice i's
 * part is entry `i` of its group's artifact (the call's `dflow-stack/NAME`), a hole when its group's call
 * did not succeed or the slice left none. `calls` are the groups' outputs by group index, `width` the slices.
 *
 * @example
 * ```ts
 * sliceFanIns(op, 'w', [{ foo: { kind: 'artifact', at }, dflow_slices: … }], 2).foo.fanIn.parts // [partAt(at, '0'), partAt(at, '1')]
 * ```
 */
export const sliceFanIns = (template: LeafTemplate, stepId: string, calls: readonly (Outputs | undefined)[], width: number): Record<string, ArtifactValue> =>
  Object.fromEntries(
    Object.entries(template.outputs as IoSpec).flatMap(([name, s]) => {
      if (s._tag !== 'Artifact') return []
      const parts: (ArtifactLocation | null)[] = new Array(width).fill(null)
      for (const o of calls) {
        const v = o?.[name]
        if (v?.kind !== 'artifact' || !v.at) continue
        for (const r of reportsOf(o)) if (r.phase === 'Succeeded' && r.artifacts?.includes(name) && r.index < width) parts[r.index] = partAt(v.at, String(r.index))
      }
      return [[name, { kind: 'artifact' as const, at: null, fanIn: { stepId, name, parts } }]]
    }),
  )

/** A record of parameter wires, with the values the specs decode. */
const ioOf = (wires: Readonly<Record<string, string>>, specs: IoSpec): IoRecord => {
  const values: Record<string, unknown> = {}
  for (const [k, w] of Object.entries(wires)) {
    const s = specs[k]
    if (s?._tag !== 'Param') continue
    const d = decodeParam(s.codec, w)
    if (d.ok) values[k] = s.codec.encode(d.value)
  }
  return { parameters: { ...wires }, values, artifacts: {} }
}

/** Where the output artifacts a slice left are: entry `i` of its call's artifacts. */
const entriesOf = (r: SliceReport, outputs: Outputs | undefined): Record<string, ArtifactLocation> =>
  Object.fromEntries(
    (r.artifacts ?? []).flatMap((name) => {
      const v = outputs?.[name]
      return v?.kind === 'artifact' && v.at ? [[name, partAt(v.at, String(r.index))]] : []
    }),
  )

/**
 * The records of the slices a group's call ran: one per slice, `CALL.slice(i)` under the call (`i`: the
 * slice's index in the lists), with its key, phase, inputs (its elements) and outputs.
 *
 * @example
 * ```ts
 * sliceRecords(op, data, { id: 'hello(0)', startedAt, finishedAt }, groupItem, outputs)[0].id // 'hello(0).slice(0)'
 * ```
 */
export const sliceRecords = (
  template: LeafTemplate,
  g: GroupingData,
  call: { readonly id: string; readonly startedAt: string; readonly finishedAt: string },
  group: unknown,
  outputs: Outputs | undefined,
  /** Where the call's sliced input artifacts are (the whole list artifacts), when known: a slice's record names its part of it. */
  wholes: Readonly<Record<string, ArtifactLocation | undefined>> = {},
): StepRecord[] => {
  const item = group as Readonly<Record<string, readonly unknown[]>>
  const indices = (item[SLICE_GROUP] ?? []) as readonly number[]
  return reportsOf(outputs).map((r) => {
    const j = indices.indexOf(r.index)
    const inputs = Object.fromEntries(Object.entries(g.sliced).map(([input, f]) => [input, wireOfItem(f === SLICE_INDEX ? r.index : item[f]?.[j])]))
    // A part of a list artifact: recorded as an ungrouped call's (the artifact's location, and its part).
    const parts = Object.fromEntries(Object.keys(inputs).flatMap((k) => (wholes[k] ? [[k, partAt(wholes[k]!, inputs[k]!)]] : [])))
    for (const k of Object.keys(parts)) delete inputs[k]
    return {
      id: `${call.id}.slice(${r.index})`,
      name: `slice(${r.index})`,
      parent: call.id,
      type: 'Pod',
      template: template.name,
      ...(r.key !== undefined ? { key: r.key } : {}),
      phase: r.phase,
      startedAt: call.startedAt,
      finishedAt: call.finishedAt,
      ...(r.message ? { message: r.message } : {}),
      inputs: { ...ioOf(inputs, template.inputs as IoSpec), artifacts: parts },
      outputs: { ...ioOf(r.outputs, template.outputs as IoSpec), artifacts: entriesOf(r, outputs) },
    }
  })
}
