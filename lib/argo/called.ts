import { stepsIn, templatesOf, type Node, type Step, type Template } from 'dflow-ts'

/**
 * The names of the templates called by the steps that satisfy `wanted`, anywhere under the given roots (a
 * workflow's body and its exit handler; sub-workflows included): the compiler declares something extra on
 * those templates (a key input, a success output).
 *
 * @example
 * ```ts
 * templatesCalledBy([wf.body], (s) => s.key !== undefined) // Set { 'plus1' }
 * ```
 */
export const templatesCalledBy = (roots: readonly Node[], wanted: (s: Step) => boolean): ReadonlySet<string> => {
  const bodies = [...roots, ...roots.flatMap(templatesOf).flatMap((t: Template) => (t._tag === 'Subflow' ? [t.body] : []))]
  return new Set(bodies.flatMap((b) => stepsIn(b).filter(wanted).map((s) => s.template.name)))
}
