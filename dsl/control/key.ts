import type { ParamRef } from '../refs.ts'

/**
 * A step key built from text and references (inputs, the item, workflow parameters): `` key`iter-${i}` ``.
 * Keys are unique within a run and let queries find a step: `run.step({ key: 'iter-3' })`.
 *
 * @example
 * ```ts
 * step('plus1', plus1, { iter }, { key: key`iter-${iter}` })
 * // locally: key "iter-0", "iter-1", …; Argo: the argument dflow-key = "iter-{{inputs.parameters.iter}}"
 * ```
 */
export interface KeyTemplate {
  readonly _tag: 'KeyTemplate'
  readonly parts: readonly (string | ParamRef<any>)[]
}

/** Builds a {@link KeyTemplate}. @example key`iter-${iter}` */
export const key = (strings: TemplateStringsArray, ...refs: readonly ParamRef<any>[]): KeyTemplate =>
  Object.freeze({ _tag: 'KeyTemplate' as const, parts: Object.freeze(strings.flatMap((s, i) => (i < refs.length ? [s, refs[i]!] : [s])).filter((p) => p !== '')) })

/** The references a key reads. @example keyRefs(key`a-${x}`) // [x] */
export const keyRefs = (k: string | KeyTemplate | undefined): readonly ParamRef<any>[] =>
  typeof k === 'object' ? k.parts.filter((p): p is ParamRef<any> => typeof p !== 'string') : []
