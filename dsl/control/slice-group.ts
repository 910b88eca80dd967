import { decodeParam, encodeParam, finite, t } from '../codec.ts'
import type { FnBody, FnContext, FnTemplate } from '../fn/fn.ts'
import { param, type IoSpec, type ParamSpec } from '../io.ts'
import { DflowError, problem, type Problem } from '../problem.ts'
import type { KeyTemplate } from './key.ts'
import type { LeafTemplate } from '../node.ts'
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
  /** The output artifacts the slice left (entries of the call's stacks). */
  readonly artifacts?: readonly string[]
  /** Each output parameter's wire string. */
  readonly outputs: Readonly<Record<string, string>>
  readonly message?: string
}

/**
 * What the runtime running a grouped call gives its template (as `slices` of the context; the DSL does no
 * I/O): a folder of each slice's own, a way to run a slice with it as the working directory, and the
 * entries of each stacked output artifact — the folder `stack(NAME)` holds entry `i`, slice i's artifact.
 *
 * @example
 * ```ts
 * const io: SliceIo = { folder: (i) => `/w/slices/${i}`, within: (_d, f) => f(), place: () => true, stack: (n) => `/w/dflow-stack/${n}`, part: (n, _i, p) => `/w/inputs/${n}/${p}` }
 * ```
 */
export interface SliceIo {
  /** Makes (once) and returns the folder of slice `index`. */
  readonly folder: (index: number) => string
  /** Runs `f` with `dir` as the process's working directory (restored after). */
  readonly within: <T>(dir: string, f: () => Promise<T>) => Promise<T>
  /** Writes what slice `index` returned for output artifact `name` (`value`, of the OP's shape, relative to `dir`) as entry `index` of the stack; false for nothing (an omitted optional artifact). */
  readonly place: (name: string, index: number, value: unknown, dir: string) => boolean
  /** Makes (once) and returns the folder of output artifact `name`'s entries. */
  readonly stack: (name: string) => string
  /** What slice `index` gets for its sliced input artifact `name`: the part `part` of the artifact the call staged as `name`, read as the OP's input (of its shape). */
  readonly part: (name: string, index: number, part: string) => unknown
}

/** The context a grouped call's template receives: a function OP's, and the runtime's {@link SliceIo}. @example (ctx as GroupContext).slices?.folder(0) */
export type GroupContext = FnContext & { readonly slices?: SliceIo }

/** A part of a slice's key: text, or a field of the slice's item (`_index` for its index). @example const p: KeyPart = { field: '_index' } */
export type KeyPart = string | { readonly field: string }

/**
 * How a grouped slice's calls run their slices, passed to each call as {@link SLICING_INPUT} (JSON): the
 * function OP (by name), which of its inputs take which field of the slice's item, how many slices run at
 * a time (-1: all), and the slice's key, when it has one.
 *
 * @example
 * ```ts
 * const d: GroupingData = { template: 'explore', pool: 4, sliced: { conf: 'conf' } }
 * ```
 */
export interface GroupingData {
  readonly template: string
  readonly pool: number
  readonly sliced: Readonly<Record<string, string>>
  readonly key?: readonly KeyPart[]
}

/** The value of a grouped call's {@link SLICING_INPUT}. @example slicingOf(d) // '{"template":"process","pool":1,"sliced":{"data":"data"}}' */
export const slicingOf = (d: GroupingData): string => JSON.stringify({ template: d.template, pool: d.pool, sliced: d.sliced, ...(d.key ? { key: d.key } : {}) })

/** What a grouped call's {@link SLICING_INPUT} says (from its wire). @example groupingData('{"template":"p","pool":1,"sliced":{}}').pool // 1 */
export const groupingData = (wire: string): GroupingData => JSON.parse(wire) as GroupingData

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
 * The template a grouped slice's calls run: the function OP `t0`, given its group's item (input
 * {@link GROUP_INPUT}) instead of the inputs `sliced`, and how to slice it ({@link SLICING_INPUT}), runs the
 * body once per slice of the group, the pool's size at a time, each with its own inputs and its own key
 * (`ctx.key`) and its own folder (`ctx.workdir`, made by the runtime's {@link SliceIo}; also the working
 * directory while it runs when the pool is 1), and stacks each output parameter into a list in slice order;
 * each output artifact is one folder whose entry `i` is what slice i returned (the engine and the Argo
 * compiler stack the groups' entries in slice order); {@link SLICES_REPORT} reports every slice. A slice that throws or returns a wrong output fails the call once every slice of the group has
 * ended, naming each failed slice. It depends only on the OP and the names of the sliced inputs (one
 * template, `OP-slices-INPUTS`, however many slices group that OP so).
 *
 * @example
 * ```ts
 * groupedFn(process, ['data']).name // 'process-slices-data'
 * ```
 */
export const groupedFn = (t0: FnTemplate, sliced: readonly string[]): FnTemplate => {
  const names = [...sliced].sort()
  const id = names.join(',')
  const known = made.get(t0)?.get(id)
  if (known) return known
  const specs = t0.inputs as IoSpec
  const outs = t0.outputs as IoSpec
  const inputs = Object.fromEntries([...groupInputs(specs, names), [GROUP_INPUT, param(t.unknown)], [SLICING_INPUT, param(t.string)]])
  const outputs = Object.fromEntries([
    ...Object.entries(outs).map(([k, s]) =>
      // An output artifact: the folder of the group's slices' artifacts, entry i slice i's.
      s._tag === 'Artifact' ? [k, { ...s, shape: undefined, optional: false }] : [k, { ...(s as ParamSpec<unknown, boolean>), codec: listOf((s as ParamSpec<unknown, boolean>).codec), default: undefined }],
    ),
    [SLICES_REPORT, param(t.unknown)],
  ])
  const artifacts = Object.keys(outs).filter((k) => outs[k]!._tag === 'Artifact')
  const body: FnBody<IoSpec, IoSpec> = async (given, ctx: GroupContext) => {
    const group = given[GROUP_INPUT] as unknown as Readonly<Record<string, readonly unknown[]>>
    const g = groupingData(given[SLICING_INPUT] as unknown as string)
    const io = ctx.slices
    if (artifacts.length && !io) throw new Error(`output artifact "${artifacts[0]}": this runtime cannot stack the artifacts of grouped slices`)
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
          if (specs[input]?._tag === 'Artifact') {
            if (!io) throw new Error(`input artifact "${input}": this runtime cannot give the slices of a group their parts`)
            own[input] = io.part(input, indices[j]!, wireOf(fieldOf(field, j)))
            continue
          }
          const d = decodeParam((specs[input] as ParamSpec<unknown, boolean>).codec, wireOf(fieldOf(field, j)))
          if (!d.ok) throw new Error(`input parameter "${input}": ${d.message}`)
          own[input] = d.value
        }
        // Each slice in a folder of its own: its workdir, and its working directory when slices run one at a time.
        const dir = io?.folder(indices[j]!) ?? ctx.workdir
        const { slices: _io, ...plain } = ctx
        const call = async (): Promise<unknown> => (t0.body as FnBody<IoSpec, IoSpec>)(own as never, { ...plain, workdir: dir, key: key ?? ctx.key })
        const returned: unknown = io && g.pool === 1 ? await io.within(dir, call) : await call()
        const outputs = checkedOutputs(outs, returned)
        const left = artifacts.filter((k) => io!.place(k, indices[j]!, (returned as Record<string, unknown>)[k], dir))
        reports[j] = { ...base, phase: 'Succeeded', outputs, ...(artifacts.length ? { artifacts: left } : {}) }
      } catch (e) {
        reports[j] = { ...base, phase: 'Failed', outputs: {}, message: (e as Error)?.message ?? String(e) }
      }
    })
    const failed = reports.filter((r) => r.phase === 'Failed')
    // The runtime writes the report of a failed group too (the slices' records need it).
    if (failed.length) throw Object.assign(new Error(`${failed.length} of ${reports.length} slices failed: ${failed.map((r) => `slice ${r.index}${r.key ? ` (${r.key})` : ''}: ${r.message}`).join('; ')}`), { [SLICES_REPORT]: reports })
    const stacked = Object.fromEntries(
      Object.entries(outs).filter(([, s]) => s._tag === 'Param').map(([k, s]) => [k, reports.map((r) => decodeParam((s as ParamSpec<unknown, boolean>).codec, r.outputs[k]!)).map((d) => (d.ok ? d.value : undefined))]),
    )
    return { ...stacked, ...Object.fromEntries(artifacts.map((k) => [k, io!.stack(k)])), [SLICES_REPORT]: reports } as never
  }
  const suffix = names.map((n) => n.toLowerCase().replace(/[^a-z0-9]+/g, '-')).join('-')
  const template = Object.freeze({ ...t0, name: `${t0.name}${GROUPED_SUFFIX}-${suffix}`, inputs, outputs, body }) as FnTemplate
  made.set(t0, (made.get(t0) ?? new Map()).set(id, template))
  registerGrouped(template, t0)
  return template
}

/**
 * The inputs of a grouped template of a template with inputs `specs`, sliced over `sliced`: the inputs not
 * sliced, and each sliced input artifact (a part of a list artifact) as the whole list artifact (`shape:
 * 'list'`, as `artifactList()`, so that a fan-out's stack may be given too): the call stages it whole, and each
 * slice is given its part of it.
 *
 * @example
 * ```ts
 * groupInputs({ foo: artifact(), n: param(t.number) }, ['foo', 'n']) // [['foo', { _tag: 'Artifact', … }]]
 * ```
 */
export const groupInputs = (specs: IoSpec, sliced: readonly string[]): [string, IoSpec[string]][] =>
  Object.entries(specs).flatMap(([k, s]): [string, IoSpec[string]][] => (!sliced.includes(k) ? [[k, s]] : s._tag === 'Artifact' ? [[k, { ...s, shape: 'list', optional: false }]] : []))

/** The grouped templates made of each OP, by their sliced inputs (so that equal groupings share one). */
const made = new WeakMap<FnTemplate, Map<string, FnTemplate>>()
const groupedOf = new WeakMap<object, LeafTemplate>()

/** Records that `grouped` runs the slices of `template` (`groupedFn`, `groupedScript`). @example registerGrouped(groupedFn(process, ['data']), process) */
export const registerGrouped = (grouped: LeafTemplate, template: LeafTemplate): void => void groupedOf.set(grouped, template)

/** The function OP or script template a template made by {@link groupedFn} or `groupedScript` groups (undefined for any other template). @example groupedTemplateOf(step.template)?.name // 'process' */
export const groupedTemplateOf = (template: object): LeafTemplate | undefined => groupedOf.get(template)

/**
 * The grouped template named `name` rebuilt from the call's {@link SLICING_INPUT} wire and the function OP
 * it names (found by `find`): how a worker or a pod runs a grouped call (the grouped template exists only
 * in the workflow that sliced, which the OP's module need not export).
 *
 * @example
 * ```ts
 * regroupedFn('process-slices-data', '{"template":"process","pool":1,"sliced":{"data":"data"}}', (n) => findFn(exports, n))
 * ```
 */
export const regroupedFn = (name: string, slicing: string | undefined, find: (name: string) => FnTemplate | undefined): FnTemplate | undefined => {
  if (!name.includes(GROUPED_SUFFIX) || slicing === undefined) return undefined
  const d = groupingData(slicing)
  const template = find(d.template)
  const g = template && groupedFn(template, Object.keys(d.sliced))
  return g?.name === name ? g : undefined
}

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
