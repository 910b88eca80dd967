import type { Dag, Node, Par, Seq, SuccessThreshold } from './node.ts'

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
export const par = Object.assign((...children: readonly Node[]): Par => Object.freeze({ _tag: 'Par', children: Object.freeze([...children]) }), {
  /**
   * A `par` that succeeds when enough children succeed (dflow's `continue_on_num_success` /
   * `continue_on_success_ratio`); its failing children do not stop their siblings.
   *
   * @example
   * ```ts
   * par.withOptions({ continueOnSuccessRatio: 0.6 })(...items) // 3 of 5 must succeed
   * ```
   */
  withOptions:
    (threshold: SuccessThreshold) =>
    (...children: readonly Node[]): Par =>
      Object.freeze({ _tag: 'Par', children: Object.freeze([...children]), threshold: Object.freeze({ ...threshold }) }),
})

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
export const dag = Object.assign((...children: readonly Node[]): Dag => Object.freeze({ _tag: 'Dag', children: Object.freeze([...children]) }), {
  /**
   * A `dag` with options: `failFast: false` lets every task whose dependencies succeeded start even after
   * another task failed (Argo's `dag.failFast: false`); the dag still fails at the end.
   *
   * @example
   * ```ts
   * dag.withOptions({ failFast: false })(a, b, c) // Argo: dag: { failFast: false, tasks: [...] }
   * ```
   */
  withOptions:
    (options: { readonly failFast: false }) =>
    (...children: readonly Node[]): Dag =>
      Object.freeze({ _tag: 'Dag', children: Object.freeze([...children]), ...(options.failFast === false ? { failFast: false as const } : {}) }),
})
