import { groupItems, zipLists, isRef, SLICE_GROUP, SLICE_INDEX, type SliceList } from 'dflow-ts'
import type { ArgoCall } from './manifest.ts'
import { quote } from './expr-print.ts'
import { listExpr, type ControlContext } from './control.ts'

/*
 * Grouped slices on Argo: one call (pod) per group of `size` slices. The call's item is the group's
 * `{ _index: g, _slices: [i, …], NAME: [element i, …] }`, given whole to the grouped template
 * (`dflow_group`), which runs the slices and stacks their outputs per group; a consumer reads the groups'
 * lists flattened into one list in slice order (`stackedTag`).
 */

/**
 * A grouped slice's items: groups of `size` zipped elements — literal lists at compile time (`withItems`),
 * lists from references by an expression Argo evaluates (`withParam`): group g holds the indices `g·size` up
 * to the end of the first list, and each list's elements at them (a list shorter than the first fails the
 * expression, as an ungrouped slice's does).
 *
 * @example
 * ```ts
 * groupedZipFields({ f: ['a', 'b', 'c'] }, 2, ctx) // { withItems: [{ _index: 0, _slices: [0, 1], f: ['a', 'b'] }, { _index: 1, _slices: [2], f: ['c'] }] }
 * ```
 */
export const groupedZipFields = (lists: Readonly<Record<string, SliceList>>, size: number, c: ControlContext): Partial<ArgoCall> => {
  const entries = Object.entries(lists)
  if (entries.every(([, v]) => !isRef(v))) {
    return { withItems: groupItems(zipLists(lists as Readonly<Record<string, readonly unknown[]>>), size) }
  }
  const lets = entries.map(([k, v], i) => `let l${i} = ${listExpr(v, k, c)};`).join(' ')
  const range = `(# * ${size})..((# * ${size} + ${size} < n ? # * ${size} + ${size} : n) - 1)`
  const fields = [`${quote(SLICE_INDEX)}: #`, `${quote(SLICE_GROUP)}: ${range}`, ...entries.map(([k], i) => `${quote(k)}: map(${range}, l${i}[#])`)].join(', ')
  return { withParam: `{{= ${lets} let n = len(l0); toJson(map(0..(int((n + ${size - 1}) / ${size}) - 1), { {${fields}} })) }}` }
}

/**
 * How a consumer reads a grouped slice's stacked output: the groups' lists (Argo's aggregate of the calls)
 * flattened into one list, in slice order.
 *
 * @example
 * ```ts
 * stackedTag("steps['process'].outputs.parameters['name']") // "{{=toJson(flatten(jsonpath(steps['process'].outputs.parameters['name'], '$')))}}"
 * ```
 */
export const stackedTag = (access: string): string => `{{=toJson(flatten(jsonpath(${access}, '$')))}}`

/**
 * A slice whose output artifacts are gathered (see fan-in.ts): its zipped items enumerated, each call
 * knowing its index — literal lists at compile time, lists from references by an expression that zips them
 * (the item itself as JSON in `dflow-item`, and the fields the body reads beside it).
 *
 * @example
 * ```ts
 * enumeratedZip({ f: ['a'] }, [['f']], enumerate, ctx) // { withItems: [{ 'dflow-index': '0', 'dflow-item': '{"_index":0,"f":"a"}', f: 'a' }] }
 * ```
 */
export const enumeratedZip = (
  lists: Readonly<Record<string, SliceList>>,
  fields: readonly (readonly string[])[],
  enumerate: (items: readonly unknown[]) => unknown[],
  c: ControlContext,
  names: { readonly index: string; readonly item: string },
): Partial<ArgoCall> => {
  const entries = Object.entries(lists)
  if (entries.every(([, v]) => !isRef(v))) return { withItems: enumerate(zipLists(lists as Readonly<Record<string, readonly unknown[]>>)) }
  const lets = entries.map(([k, v], i) => `let l${i} = ${listExpr(v, k, c)};`).join(' ')
  const at = (k: string) => (k === SLICE_INDEX ? '#' : `l${entries.findIndex(([n]) => n === k)}[#]`)
  const item = `toJson({ ${[`${quote(SLICE_INDEX)}: #`, ...entries.map(([k], i) => `${quote(k)}: l${i}[#]`)].join(', ')} })`
  const own = fields.map((p) => `${quote(p.join('.'))}: ${p[0] === SLICE_INDEX ? 'string(#)' : at(p[0]!)}`)
  return { withParam: `{{= ${lets} toJson(map(0..(len(l0) - 1), { {${[`${quote(names.index)}: string(#)`, `${quote(names.item)}: ${item}`, ...own].join(', ')}} })) }}` }
}
