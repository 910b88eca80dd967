import type { ArtifactRef, ParamRef } from '../refs.ts'

/**
 * Argo's `withSequence`: `count` numbers from `start` (default 0), or `start..end` inclusive (descending
 * when start > end); each formatted by the printf `format` when given.
 *
 * @example
 * ```ts
 * const s: Sequence = { start: 5, end: 0 } // 5 4 3 2 1 0
 * ```
 */
export interface Sequence {
  readonly count?: number | ParamRef<number>
  readonly start?: number | ParamRef<number>
  readonly end?: number | ParamRef<number>
  readonly format?: string
}

/**
 * A list a slice takes its elements from: a literal list, a list-valued reference (a JSON list at run time),
 * or a list artifact (its catalog's items, in order: dflow's `input_artifact`).
 *
 * @example
 * ```ts
 * const a: SliceList = ['f1.txt', 'f2.txt']
 * const b: SliceList = prepare.outputs.files
 * const c: SliceList = prepare.outputs.foo // an artifactList() output
 * ```
 */
export type SliceList = readonly unknown[] | ParamRef<readonly any[]> | ParamRef<any[]> | ArtifactRef

/**
 * What a `forEach` iterates over: a literal list, a list-valued reference (a JSON list at run time), a
 * sequence of numbers, or several lists of one length taken element by element (`Zip`, made by `slice`: item
 * i is the object of every list's element i).
 *
 * @example
 * ```ts
 * const a: ForEachSource = { _tag: 'Items', items: ['hello world', 'goodbye world'] }
 * const b: ForEachSource = { _tag: 'ItemsFrom', ref: gen.outputs.result }
 * const c: ForEachSource = { _tag: 'Sequence', sequence: { count: 5 } }
 * const d: ForEachSource = { _tag: 'Zip', lists: { poscar: ['p0', 'p1'], potcar: make.outputs.potcars } }
 * ```
 */
export type ForEachSource =
  | { readonly _tag: 'Items'; readonly items: readonly unknown[] }
  | { readonly _tag: 'ItemsFrom'; readonly ref: ParamRef<readonly unknown[]> }
  | { readonly _tag: 'Sequence'; readonly sequence: Sequence }
  | { readonly _tag: 'Zip'; readonly lists: Readonly<Record<string, SliceList>>; readonly group?: SliceGroupOptions }
  | ComputedItems

/**
 * A list computed from references by a function when the fan-out starts: what the Argo importer makes of a
 * `withParam` written as an expression (`{{= … }}`) the DSL's expressions cannot say (`let`, `map` over a
 * range, map literals). `reads` are the references it reads, `items` gets their wire texts in that order;
 * `text` is the expression, for messages and the template's identity. No interpreter prints it back.
 *
 * @example
 * ```ts
 * const c: ComputedItems = { _tag: 'Computed', text: 'map(0..2, # * 2)', reads: [], items: () => [0, 2, 4] }
 * ```
 */
export interface ComputedItems {
  readonly _tag: 'Computed'
  readonly text: string
  readonly reads: readonly ParamRef<any>[]
  readonly items: (wires: readonly string[]) => readonly unknown[]
}

/**
 * How a grouped slice runs: `size` slices per call, `pool` of them at a time inside a call (-1: all at once).
 *
 * @example
 * ```ts
 * const g: SliceGroupOptions = { size: 50, pool: 4 }
 * ```
 */
export interface SliceGroupOptions {
  readonly size: number
  readonly pool: number
}
