import type { ParamRef } from '../refs.ts'

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
 * What a `forEach` iterates over: a literal list, a list-valued reference (a JSON list at run time), or a
 * sequence of numbers.
 *
 * @example
 * ```ts
 * const a: ForEachSource = { _tag: 'Items', items: ['hello world', 'goodbye world'] }
 * const b: ForEachSource = { _tag: 'ItemsFrom', ref: gen.outputs.result }
 * const c: ForEachSource = { _tag: 'Sequence', sequence: { count: 5 } }
 * ```
 */
export type ForEachSource =
  | { readonly _tag: 'Items'; readonly items: readonly unknown[] }
  | { readonly _tag: 'ItemsFrom'; readonly ref: ParamRef<readonly unknown[]> }
  | { readonly _tag: 'Sequence'; readonly sequence: Sequence }
