/**
 * The outcomes a dag task can wait for (Argo's enhanced `depends`): `Done` is the bare name (`A`: Succeeded,
 * Skipped or Daemoned); `AnySucceeded`/`AllFailed` are for fan-outs.
 *
 * @example
 * ```ts
 * const o: Outcome = 'Failed'
 * ```
 */
export type Outcome = 'Done' | 'Succeeded' | 'Failed' | 'Errored' | 'Skipped' | 'Omitted' | 'Daemoned' | 'AnySucceeded' | 'AllFailed'

/**
 * A condition on the outcomes of other tasks of the same dag: the task waits until every task it names has
 * finished, then runs if the condition holds and is `Omitted` otherwise.
 *
 * @example
 * ```ts
 * const d: Depends = and(on(a), or(on(c, 'Succeeded'), on(c, 'Failed'))) // Argo: "A && (C.Succeeded || C.Failed)"
 * ```
 */
export type Depends =
  | { readonly _tag: 'On'; readonly step: string; readonly outcome: Outcome }
  | { readonly _tag: 'And'; readonly items: readonly Depends[] }
  | { readonly _tag: 'Or'; readonly items: readonly Depends[] }
  | { readonly _tag: 'Not'; readonly item: Depends }

/** An outcome of a step (default `Done`: Argo's bare name). @example on(c, 'Failed') */
export const on = (step: { readonly name: string }, outcome: Outcome = 'Done'): Depends => Object.freeze({ _tag: 'On', step: step.name, outcome })
/** All of these hold. @example and(on(b), on(c)) */
export const and = (...items: readonly Depends[]): Depends => Object.freeze({ _tag: 'And', items: Object.freeze([...items]) })
/** Any of these holds. @example or(on(b), on(c)) */
export const or = (...items: readonly Depends[]): Depends => Object.freeze({ _tag: 'Or', items: Object.freeze([...items]) })
/** This does not hold. @example not(on(a, 'Failed')) */
export const not = (item: Depends): Depends => Object.freeze({ _tag: 'Not', item })

/** The steps a condition names. @example dependsSteps(and(on(a), on(b))) // ['A', 'B'] */
export const dependsSteps = (d: Depends): readonly string[] => {
  switch (d._tag) {
    case 'On':
      return [d.step]
    case 'And':
    case 'Or':
      return d.items.flatMap(dependsSteps)
    case 'Not':
      return dependsSteps(d.item)
  }
}
