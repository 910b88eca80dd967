import { decodeParam, encodeParam, finite, t } from '../codec.ts'
import type { FnBody, FnContext, FnTemplate } from '../fn/fn.ts'
import { param, type IoSpec, type ParamSpec } from '../io.ts'
import { DflowError, problem, type Problem } from '../problem.ts'
import type { KeyTemplate } from './key.ts'
import { listOf } from './list-codec.ts'

/** The field of a group's item that lists the indices of its slices (`{ _index: g, _slices: [i, …], NAME: [element i, …] }`). @example SLICE_GROUP // '_slices' */
export const SLICE_GROUP = '_slices'

/** The input of a grouped template that receives its group's item (every sliced field, as lists). @example GROUP_INPUT // 'dflow_group' */
export const GROUP_INPUT = 'dflow_group'

/** The input of a grouped template that says how it slices (JSON of {@link GroupingData}), so that the pod or worker running it can rebuild it from the function OP it groups. @example SLICING_INPUT // 'dflow_slicing' */
export const SLICING_INPUT = 'dflow_slicing'

/** The suffix of a grouped template's name (`NAME-slices` groups the function OP `NAME`). @example GROUPED_SUFFIX // '-slices' */
export const GROUPED_SUFFIX = '-slices'

/** The output of a grouped template that reports each slice: `[{ index, key?, phase, outputs, message? }, …]`. @example SLICES_REPORT // 'dflow_slices' */
export const SLICES_REPORT = 'dflow_slices'

/** How a slice ended inside its group's call, as the grouped template reports it. @example const r: SliceReport = { index: 3, key: 'hello-3', phase: 'Succeeded', outputs: { size: '3' } } */
export interface SliceReport {
  readonly index: number
  readonly key?: string
  readonly phase: 'Succeeded' | 'Failed'
  /** Each output parameter's wire string. */
  readonly outputs: Readonly<Record<string, string>>
  readonly message?: string
}

/** A part of a slice's key: text, or a field of the slice's item (`_index` for its index). @example const p: KeyPart = { field: '_index' } */
export type KeyPart = string | { readonly field: string }

/**
 * How slices are grouped into calls: `size` slices per call, `pool` of them at a time inside the call (-1:
 * all at once); the template the group's call runs each slice with; which of its inputs take a field of the
 * slice's item; and the slice's key, when it has one.
 *
 * @example
 * ```ts
 * const g: SliceGrouping = { size: 10, pool: 1, template: hello, sliced: { filename: 'filename' } }
 * ```
 */
export interface SliceGrouping extends GroupingData {
  readonly size: number
  readonly template: FnTemplate
}

/** What a grouped template's call needs besides its function OP: the sliced inputs (input → field), the pool and the key. @example const d: GroupingData = { pool: 4, sliced: { conf: 'conf' } } */
export interface GroupingData {
  readonly pool: number
  readonly sliced: Readonly<Record<string, string>>
  readonly key?: readonly KeyPart[]
}

/** The value of a grouped call's {@link SLICING_INPUT}. @example slicingOf(g) // '{"pool":1,"sliced":{"data":"data"}}' */
export const slicingOf = (g: GroupingData): string => JSON.stringify({ pool: g.pool, sliced: g.sliced, ...(g.key ? { key: g.key } : {}) })

/** The items of a slice of literal lists zipped element by element: item i is `{ _index: i, NAME: element i, … }` (the first list's length). @example zipLists({ f: ['a', 'b'] }) // [{ _index: 0, f: 'a' }, { _index: 1, f: 'b' }] */
export const zipLists = (lists: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] => {
  const entries = Object.entries(lists)
  return Array.from({ length: entries[0]?.[1].length ?? 0 }, (_, i) => Object.fromEntries([['_index', i], ...entries.map(([k, l]) => [k, l[i]])]))
}

/** The group items of zipped slice items: `size` at a time, each `{ _index: g, _slices: [i, …], NAME: [element i, …] }`. @example groupItems([{ _index: 0, f: 'a' }, { _index: 1, f: 'b' }], 1) // [{ _index: 0, _slices: [0], f: ['a'] }, { _index: 1, _slices: [1], f: ['b'] }] */
export const groupItems = (items: readonly Readonly<Record<string, unknown>>[], size: number): Record<string, unknown>[] => {
  const names = Object.keys(items[0] ?? {}).filter((k) => k !== '_index')
  return Array.from({ length: Math.ceil(items.length / size) }, (_, g) => {
    const part = items.slice(g * size, g * size + size)
    return Object.fromEntries([['_index', g], [SLICE_GROUP, part.map((x) => x['_index'])], ...names.map((k) => [k, part.map((x) => x[k])])])
  })
}

/** The problems of grouping options: a size and a pool that are integers of at least 1 (the pool may be -1). @example groupProblems(0, 1) // [problem: groupSize must be an integer of at least 1, got 0] */
export const groupProblems = (size: number, pool: number): Problem[] => [
  ...(Number.isInteger(size) && size >= 1 ? [] : [problem(['slice', 'groupSize'], `groupSize must be an integer of at least 1, got ${size}`, 'give how many slices one call runs: groupSize: 10')]),
  ...(Number.isInteger(pool) && (pool >= 1 || pool === -1) ? [] : [problem(['slice', 'poolSize'], `poolSize must be an integer of at least 1, or -1 (all at once), got ${pool}`, 'poolSize: 4 runs 4 slices of a group at a time')]),
]

/** The wire of an element of a sliced list: strings as they are, anything else as JSON (as an item's field). */
const wireOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** Runs `n` jobs, `k` at a time (-1: all), in index order of starting. */
const inPool = async (n: number, k: number, job: (j: number) => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < n) await job(next++)
  }
  await Promise.all(Array.from({ length: k === -1 ? n : Math.min(k, n) }, worker))
}

/** What slice `j` of the group returned, checked against the template's outputs: each output parameter's wire, or why not. */
const checkedOutputs = (spec: IoSpec, returned: unknown): Record<string, string> => {
  if (typeof returned !== 'object' || returned === null) throw new Error(`the body returned ${wireOf(returned)}, expected a record of outputs`)
  const r = returned as Record<string, unknown>
  const out: Record<string, string> = {}
  for (const [name, s] of Object.entries(spec)) {
    if (s._tag !== 'Param') continue
    const v = r[name] === undefined && s.default ? s.default.value : r[name]
    if (v === undefined || !s.codec.is(v) || !finite(s.codec.encode(v))) throw new Error(`output parameter "${name}": expected ${s.codec.name}, got ${v === undefined ? 'nothing' : wireOf(v)}`)
    out[name] = encodeParam(s.codec, v)
  }
  return out
}

/**
 * The template a grouped slice's calls run: the function OP `g.template`, given its group's item (input
 * {@link GROUP_INPUT}) instead of the sliced inputs, runs the body once per slice of the group, `g.pool` at a
 * time, each with its own inputs and its own key (`ctx.key`), and stacks each output parameter into a list in
 * slice order; {@link SLICES_REPORT} reports every slice. A slice that throws or returns a wrong output fails
 * the call once every slice of the group has ended, naming each failed slice.
 *
 * @example
 * ```ts
 * groupedFn({ size: 10, pool: 1, template: process, sliced: { data: 'data' } }).name // 'process-slices'
 * ```
 */
export const groupedFn = (g: SliceGrouping): FnTemplate => {
  const t0 = g.template
  const specs = t0.inputs as IoSpec
  const outs = t0.outputs as IoSpec
  const inputs = Object.fromEntries([...Object.entries(specs).filter(([k]) => !(k in g.sliced)), [GROUP_INPUT, param(t.unknown)], [SLICING_INPUT, param(t.string)]])
  const outputs = Object.fromEntries([
    ...Object.entries(outs).map(([k, s]) => [k, { ...(s as ParamSpec<unknown, boolean>), codec: listOf((s as ParamSpec<unknown, boolean>).codec), default: undefined }]),
    [SLICES_REPORT, param(t.unknown)],
  ])
  const body: FnBody<IoSpec, IoSpec> = async (given, ctx: FnContext) => {
    const group = given[GROUP_INPUT] as unknown as Readonly<Record<string, readonly unknown[]>>
    const indices = group[SLICE_GROUP] as readonly number[]
    const fieldOf = (field: string, j: number): unknown => (field === '_index' ? indices[j] : group[field]?.[j])
    const reports: SliceReport[] = new Array(indices.length)
    await inPool(indices.length, g.pool, async (j) => {
      const key = g.key?.map((p) => (typeof p === 'string' ? p : wireOf(fieldOf(p.field, j)))).join('')
      const base = { index: indices[j]!, ...(key !== undefined ? { key } : {}) }
      try {
        const own: Record<string, unknown> = { ...given }
        delete own[GROUP_INPUT]
        delete own[SLICING_INPUT]
        for (const [input, field] of Object.entries(g.sliced)) {
          const d = decodeParam((specs[input] as ParamSpec<unknown, boolean>).codec, wireOf(fieldOf(field, j)))
          if (!d.ok) throw new Error(`input parameter "${input}": ${d.message}`)
          own[input] = d.value
        }
        const returned = await (t0.body as FnBody<IoSpec, IoSpec>)(own as never, { ...ctx, key: key ?? ctx.key })
        reports[j] = { ...base, phase: 'Succeeded', outputs: checkedOutputs(outs, returned) }
      } catch (e) {
        reports[j] = { ...base, phase: 'Failed', outputs: {}, message: (e as Error)?.message ?? String(e) }
      }
    })
    const failed = reports.filter((r) => r.phase === 'Failed')
    if (failed.length) throw new Error(`${failed.length} of ${reports.length} slices failed: ${failed.map((r) => `slice ${r.index}${r.key ? ` (${r.key})` : ''}: ${r.message}`).join('; ')}`)
    const stacked = Object.fromEntries(
      Object.entries(outs).map(([k, s]) => [k, reports.map((r) => decodeParam((s as ParamSpec<unknown, boolean>).codec, r.outputs[k]!)).map((d) => (d.ok ? d.value : undefined))]),
    )
    return { ...stacked, [SLICES_REPORT]: reports } as never
  }
  const made = Object.freeze({ ...t0, name: `${t0.name}${GROUPED_SUFFIX}`, inputs, outputs, body }) as FnTemplate
  grouped.set(made, g)
  return made
}

const grouped = new WeakMap<object, SliceGrouping>()

/**
 * The grouped template named `name` rebuilt from the function OP it groups (found by `find`) and the call's
 * {@link SLICING_INPUT} wire: how a worker or a pod runs a grouped call (the grouped template exists only in
 * the workflow that sliced, which the OP's module need not export).
 *
 * @example
 * ```ts
 * regroupedFn('process-slices', '{"pool":1,"sliced":{"data":"data"}}', (n) => findFn(exports, n)) // the template groupedFn made
 * ```
 */
export const regroupedFn = (name: string, slicing: string | undefined, find: (name: string) => FnTemplate | undefined): FnTemplate | undefined => {
  if (!name.endsWith(GROUPED_SUFFIX) || slicing === undefined) return undefined
  const template = find(name.slice(0, -GROUPED_SUFFIX.length))
  if (!template) return undefined
  const d = JSON.parse(slicing) as GroupingData
  return groupedFn({ size: 0, template, pool: d.pool, sliced: d.sliced, ...(d.key ? { key: d.key } : {}) })
}

/** The grouping a template made by {@link groupedFn} runs its slices with (undefined for any other template). @example groupingOf(step.template)?.size // 10 */
export const groupingOf = (template: object): SliceGrouping | undefined => grouped.get(template)

/**
 * A key template as the parts a group's call computes per slice: text, and fields of the slice's item (the
 * references of `fields`: each sliced list's element and the index). Any other reference cannot be computed
 * inside the call: a build error.
 *
 * @example
 * ```ts
 * keyParts(key`hello-${i}`, new Map([[i, '_index']])) // ['hello-', { field: '_index' }]
 * ```
 */
export const keyParts = (k: string | KeyTemplate, fields: ReadonlyMap<unknown, string>): KeyPart[] => {
  if (typeof k === 'string') return [k]
  return k.parts.map((p) => {
    if (typeof p === 'string') return p
    const f = fields.get(p)
    if (f === undefined)
      throw new DflowError([problem(['slice', 'key'], `a grouped slice's key can read only the slice's own elements and index, not "${p.name}"`, 'build the key from the slice: key`hello-${i}`')])
    return { field: f }
  })
}
