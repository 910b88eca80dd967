import { t, type Codec } from '../codec.ts'
import type { IoSpec, ParamSpec } from '../io.ts'
import type { Template } from '../node.ts'
import type { ParamRef } from '../refs.ts'
import type { FanOut } from './for-each.ts'

/** The output name that stands for all the parameters of every call of a fan-out. @example ALL_OUTPUTS // '*' */
export const ALL_OUTPUTS = '*'

type Row<S extends IoSpec> = { readonly [K in keyof S as S[K] extends ParamSpec<any, boolean> ? K : never]: S[K] extends ParamSpec<infer A, boolean> ? A : never }

/**
 * All output parameters of a fan-out, as a list of records in item order (Argo's
 * `steps.NAME.outputs.parameters`): feed it to another `forEach` and read fields with `field(item, 'k')`.
 *
 * @example
 * ```ts
 * const oe = forEach([1, 2, 3, 4], (item) => step('odd-or-even', oddOrEven, { num: item }))
 * forEach(allOutputs(oe), (item) => when(expr`${field(item, 'evenness')} == "even"`, step('divide-by-2', div, { num: field(item, 'num') })))
 * // Argo: withParam: "{{steps.odd-or-even.outputs.parameters}}"
 * ```
 */
export const allOutputs = <T extends Template>(s: FanOut<T>): ParamRef<Row<T['outputs']>[]> => {
  const props = Object.fromEntries(
    Object.entries(s.template.outputs as IoSpec).flatMap(([k, spec]) => (spec._tag === 'Param' ? [[k, spec.codec]] : [])),
  ) as Record<string, Codec<any>>
  return Object.freeze({
    _tag: 'ParamRef' as const,
    source: Object.freeze({ kind: 'step' as const, step: s.name }),
    name: ALL_OUTPUTS,
    codec: t.array(t.type(props)) as unknown as Codec<Row<T['outputs']>[]>,
  })
}
