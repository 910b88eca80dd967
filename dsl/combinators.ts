import type { Dag, Node, Par, Seq } from './node.ts'

/**
 * Runs nodes one after another; a later node may use the outputs of earlier ones.
 *
 * @example
 * ```ts
 * seq(h0, h1, par(h2, h3)) // Argo: steps [[hello0], [hello1], [hello2, hello3]]
 * ```
 */
export const seq = (...children: readonly Node[]): Seq => Object.freeze({ _tag: 'Seq', children: Object.freeze([...children]) })

/**
 * Runs nodes at the same time; none may use another's outputs.
 *
 * @example
 * ```ts
 * par(step('a', t1), step('b', t2))
 * ```
 */
export const par = (...children: readonly Node[]): Par => Object.freeze({ _tag: 'Par', children: Object.freeze([...children]) })

/**
 * Runs nodes as a graph: each starts as soon as the steps it references (or names in `dependsOn`) are done.
 *
 * @example
 * ```ts
 * const a = step('A', echo, { message: 'A' })
 * const b = step('B', echo, { message: 'B' }, { dependsOn: [a] })
 * dag(a, b) // Argo: a DAG template, B `depends: A`
 * ```
 */
export const dag = (...children: readonly Node[]): Dag => Object.freeze({ _tag: 'Dag', children: Object.freeze([...children]) })
