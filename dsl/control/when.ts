import type { Node, Step, When } from '../node.ts'
import type { Expr } from '../expr/ast.ts'
import { checkedCondition } from '../expr/types.ts'

/**
 * Runs a step, or any node, only when a condition holds; otherwise every step in it is recorded `Skipped`
 * and consumers of their outputs see the declared defaults (Argo's rules). On a step it is the step's
 * `when`; around a composite node it is a {@link When} node (Argo: a generated template called under `when`).
 *
 * @example
 * ```ts
 * const heads = when(expr`${flip.outputs.result} == "heads"`, step('heads', say, { msg: 'it was heads' }))
 * // Argo: { name: 'heads', template: 'say', when: "{{= steps['flip'].outputs.result == 'heads' }}" }
 * when(expr`${n} > 2`, seq(step('a', t1), step('b', t2)))   // the whole sequence, or none of it
 * ```
 *
 * The condition must be boolean (a string such as "1 > 0" would hold in Argo's `when`): a `DflowError` otherwise.
 */
export function when<S extends Step>(cond: Expr, s: S): S
export function when(cond: Expr, node: Node): Node
export function when(cond: Expr, node: Node): Node {
  checkedCondition(cond, 'when')
  return node._tag === 'Step' ? Object.freeze({ ...node, when: cond }) : Object.freeze({ _tag: 'When', cond, body: node } satisfies When)
}
