import { t, type Codec } from '../codec.ts'
import type { Node, Step, SuccessThreshold, Template } from '../node.ts'
import { DflowError, problem, type Problem } from '../problem.ts'
import type { ArtifactRef, ParamRef } from '../refs.ts'
import { elementCodec, fanOut, holdsRef, isRefOver, type FanOut } from './for-each.ts'
import { codecOfValues, field, loopItem, partOf, withFieldCodecs, type ItemRef } from './item.ts'
import type { SliceList } from './source.ts'
import { groupedScript } from './slice-script.ts'
import { GROUP_INPUT, groupedFn, groupProblems, keyParts, SLICING_INPUT, slicingOf } from './slice-group.ts'

/** The element type of a sliced list: `A` for `A[]` and for a reference to an `A[]`. @example type E = ElementOf<string[]> // string */
export type ElementOf<L> = L extends readonly (infer A)[] ? A : L extends ParamRef<infer X> ? (X extends readonly (infer A)[] ? A : never) : never

/**
 * What a slice's body receives: for each sliced list, a reference to this slice's element; for a sliced list
 * artifact, an artifact reference to this slice's part of it.
 *
 * @example type S = SliceRefs<{ f: string[]; foo: ArtifactRef }> // { f: ParamRef<string>; foo: ArtifactRef }
 */
export type SliceRefs<L> = { readonly [K in keyof L]: L[K] extends ArtifactRef ? ArtifactRef : ItemRef<ElementOf<L[K]>> }

/** The lists a slice accepts: each a list, a reference to one, or a list artifact (anything else is a type error at that name). @example const ok: Sliceable<{ f: string[] }> = { f: ['a'] } */
export type Sliceable<L> = { readonly [K in keyof L]: L[K] extends ArtifactRef ? L[K] : [ElementOf<L[K]>] extends [never] ? never : L[K] }

/** A slice's index in its lists (0, 1, …), for keys and arguments. @example key`hello-${i}` */
export type SliceIndex = ItemRef<number>

/**
 * The options of a slice: a name (for a composite body), a success threshold, and grouping — `groupSize`
 * slices per call (dflow's `group_size`), `poolSize` of them at a time inside the call (`pool_size`; default 1,
 * -1: all at once).
 *
 * @example
 * ```ts
 * const o: SliceOptions = { groupSize: 50, poolSize: 4 }
 * ```
 */
export interface SliceOptions extends SuccessThreshold {
  readonly name?: string
  readonly groupSize?: number
  readonly poolSize?: number
}

/** A name a sliced list may have: it becomes a field of each slice's item (`{{item.NAME}}` on Argo). */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/

/** The field of a slice's item that holds its index (names of sliced lists cannot start with `_`). @example SLICE_INDEX // '_index' */
export const SLICE_INDEX = '_index'

const listProblems = (lists: Readonly<Record<string, unknown>>): Problem[] => {
  const names = Object.keys(lists)
  if (names.length === 0) return [problem(['slice'], 'a slice needs at least one list to slice', "slice({ files: prepare.outputs.files }, (s) => step('hello', hello, { file: s.files }))")]
  const out: Problem[] = []
  const literal: [string, number][] = []
  for (const name of names) {
    const v = lists[name]
    if (!NAME.test(name)) out.push(problem(['slice', name], `"${name}" cannot name a sliced list`, 'use letters, digits and _, starting with a letter'))
    if (Array.isArray(v)) {
      const at = v.findIndex(holdsRef)
      if (at >= 0) out.push(problem(['slice', name, String(at)], 'a literal list cannot hold references', 'slice a list-valued reference instead (a step output or an input declared as a list)'))
      literal.push([name, v.length])
    } else if (isArtifactList(v)) continue
    else if (!isRefOver(v))
      out.push(problem(['slice', name], `"${name}" is neither a list nor a reference to one`, 'give a literal list or a list-valued parameter reference (t.array(…) outputs, forEach outputs)'))
    else if (!/^(Readonly)?Array<|^unknown$/.test(v.codec.name))
      out.push(problem(['slice', name], `"${name}" (${v.name}) holds ${v.codec.name}, not a list`, 'slice a list-valued parameter (declared t.array(…), or a forEach output)'))
  }
  const lengths = new Set(literal.map(([, n]) => n))
  if (lengths.size > 1)
    out.push(problem(['slice'], `the sliced lists have different lengths (${literal.map(([k, n]) => `${k}: ${n}`).join(', ')})`, 'every sliced list gives one element to each slice: give lists of one length'))
  return out
}

const isArtifactList = (v: unknown): v is ArtifactRef => typeof v === 'object' && v !== null && (v as { _tag?: string })._tag === 'ArtifactRef'

/** A slice of a list artifact gives its parts to one step (grouped or not: each slice gets its own part). */
const artifactSliceProblems = (lists: Readonly<Record<string, unknown>>, inner: Node, options: SliceOptions | undefined): Problem[] => {
  const arts = Object.keys(lists).filter((k) => isArtifactList(lists[k]))
  if (!arts.length) return []
  const at = ['slice', arts[0]!]
  if (inner._tag !== 'Step' || inner.forEach !== undefined || options?.name !== undefined)
    return [problem(at, `the parts of list artifact "${arts[0]}" go to one step`, "give slice a body that is one step: slice({ foo: prep.outputs.foo }, (s) => step('hello', hello, { foo: s.foo }))")]
  return []
}

/**
 * Slices lists: one call per index i, whose body reads element i of every sliced list (dflow's `Slices` with
 * `input_parameter`), its width inferred from the lists — no separate count. Lists may be literal or
 * list-valued references; they must have one length (literal ones are checked here, references when the step
 * runs: the step errors naming both lengths). As with {@link forEach}, the step's output parameters are
 * stacked into lists in slice order (dflow's `output_parameter`), its calls are `name(0)`, `name(1)`, … and a
 * key template gives each slice a key of its own; an empty list makes no call (the step is Skipped and its
 * consumers get empty lists). `slice` is `forEach` over the lists zipped element by element: item i is
 * `{ _index: i, NAME: element i, … }`, on every interpreter (Argo: `withItems` of the zipped objects for literal
 * lists, `withParam` of an expression that zips them for references). The body's second argument is the
 * slice's index, for keys (`` key`hello-${i}` ``) and arguments.
 *
 * A sliced list artifact (an `artifactList()` output: dflow's `input_artifact`) gives call i its item i: the
 * part at the catalog's i-th path, which is all the call stages (dflow's `sub_path` mode: the artifact must be
 * stored unarchived, `archive: 'none'`, checked at validation); the width is the catalog's length, read when
 * the step runs (an artifact without a catalog fails the step). Its body is one step; grouped, each slice of a
 * group still gets only its own part (the call is given the whole artifact, see `groupedFn`, `groupedScript`).
 *
 * With `groupSize` (and `poolSize`) the body is one step of a leaf template, and each call runs a group of
 * slices: a function OP's body once per slice (`groupedFn`), or a shell or script template's script once per
 * slice through a generated POSIX sh wrapper (`groupedScript`); either way every slice has its record and the
 * outputs are stacked as without groups.
 *
 * @example
 * ```ts
 * const hello = slice({ filename: ['f1.txt', 'f2.txt'] }, (s) => step('hello', writeFoo, { filename: s.filename }))
 * hello.outputs.size          // ParamRef<number[]>: every call's output, in slice order
 * slice({ poscar: make.outputs.poscars, potcar: make.outputs.potcars }, (s) => step('vasp', vasp, { poscar: s.poscar, potcar: s.potcar }))
 * slice({ foo: prepare.outputs.foo }, (s) => step('hello', hello, { foo: s.foo })) // each call stages its part of foo
 * ```
 */
export function slice<L extends Readonly<Record<string, SliceList>>, T extends Template>(
  lists: L & Sliceable<L>,
  body: (s: SliceRefs<L>, i: SliceIndex) => Step<T>,
  options?: SuccessThreshold & { readonly groupSize?: number; readonly poolSize?: number },
): FanOut<T>
export function slice<L extends Readonly<Record<string, SliceList>>>(lists: L & Sliceable<L>, body: (s: SliceRefs<L>, i: SliceIndex) => Node, options: { readonly name: string }): Node
export function slice<L extends Readonly<Record<string, SliceList>>>(lists: L, body: (s: SliceRefs<L>, i: SliceIndex) => Node, options?: SliceOptions): Node {
  const { groupSize, poolSize, ...rest } = options ?? {}
  const problems = [...listProblems(lists), ...(groupSize !== undefined || poolSize !== undefined ? groupProblems(groupSize ?? 1, poolSize ?? 1) : [])]
  if (poolSize !== undefined && groupSize === undefined) problems.push(problem(['slice', 'poolSize'], 'poolSize runs the slices of a group at a time: it needs groupSize', 'slice(lists, body, { groupSize: 50, poolSize: 4 })'))
  if (problems.length) throw new DflowError(problems)
  const token = {}
  const codecs: Record<string, Codec<any>> = Object.fromEntries(
    Object.entries(lists).map(([k, v]) => [k, Array.isArray(v) ? codecOfValues(v as readonly unknown[]) : isArtifactList(v) ? t.string : elementCodec((v as ParamRef<readonly unknown[]>).codec)]),
  )
  const item = withFieldCodecs(loopItem<Record<string, unknown>>(codecOfValues([]), token), { ...codecs, [SLICE_INDEX]: t.number })
  const refs = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, isArtifactList(v) ? partOf(item, k, v) : field(item, k)])) as unknown as SliceRefs<L>
  const index = field(item, SLICE_INDEX) as SliceIndex
  const frozen = Object.freeze(Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, Array.isArray(v) ? Object.freeze([...(v as readonly unknown[])]) : v])))
  const inner = body(refs, index)
  const artProblems = artifactSliceProblems(lists, inner, options)
  if (artProblems.length) throw new DflowError(artProblems)
  if (groupSize === undefined) return fanOut({ _tag: 'Zip', lists: frozen as Readonly<Record<string, SliceList>> }, token, inner, rest)
  const fields = new Map<unknown, string>([...Object.entries(refs as Record<string, unknown>).map(([k, r]): [unknown, string] => [r, k]), [index, SLICE_INDEX]])
  const grouped = groupedStep(inner, fields, item, poolSize ?? 1, rest)
  return fanOut({ _tag: 'Zip', lists: frozen as Readonly<Record<string, SliceList>>, group: Object.freeze({ size: groupSize, pool: poolSize ?? 1 }) }, token, grouped, rest)
}

/**
 * The step a grouped slice's calls make: the body's step with the function OP that runs a group's slices
 * (`groupedFn`), given the group's item in place of the sliced arguments; its key becomes each slice's.
 */
const groupedStep = (inner: Node, fields: ReadonlyMap<unknown, string>, item: ParamRef<any>, pool: number, options: SuccessThreshold & { readonly name?: string }): Step => {
  const why = (message: string, fix: string) => new DflowError([problem(['slice', 'groupSize'], message, fix)])
  if (inner._tag !== 'Step' || inner.forEach !== undefined || options.name !== undefined) throw why('groupSize groups the calls of one step', 'give slice a body that is one step of a function OP or a shell or script template')
  if (inner.template._tag === 'Subflow') throw why(`groupSize runs a leaf's body once per slice; "${inner.template.name}" is a sub-workflow`, 'slice a function OP (fn) or a shell or script template, or leave groupSize out')
  if (Object.values(given(options)).some((v) => v !== undefined)) throw why('a success threshold counts calls, and a grouped slice has one call per group', 'leave the threshold out, or groupSize')
  const sliced: Record<string, string> = {}
  const args: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(inner.args)) {
    const f = fields.get(v)
    if (f !== undefined) sliced[k] = f
    else args[k] = v
    // A part of a list artifact: the call is given the whole artifact, and each slice its part of it (the group's item lists the parts' paths).
    if (f !== undefined && isArtifactList(v) && v.list) args[k] = v.list
  }
  args[GROUP_INPUT] = item
  args[SLICING_INPUT] = slicingOf({ template: inner.template.name, pool, sliced, ...(inner.key !== undefined ? { key: keyParts(inner.key, fields) } : {}) })
  const template = inner.template._tag === 'FnTemplate' ? groupedFn(inner.template, Object.keys(sliced)) : groupedScript(inner.template, Object.keys(sliced))
  const { key: _key, ...step } = inner
  return Object.freeze({ ...step, template, args: Object.freeze(args) }) as unknown as Step
}

const given = ({ name: _n, ...threshold }: SuccessThreshold & { readonly name?: string }) => threshold
