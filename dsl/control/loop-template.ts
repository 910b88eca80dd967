import { nameProblems } from '../names.ts'
import { foldNode, type ForEach, type Node } from '../node.ts'
import { problem, type Problem } from '../problem.ts'

/**
 * The name of the template a composite forEach's body is: the forEach's own name, in the local run's
 * records (`template` of `per-item` and of `per-item(0)`) as in the Argo manifest (the template that
 * `withItems` calls). Validation keeps it free of every other template's name.
 *
 * @example
 * ```ts
 * loopTemplateName(forEach(['a'], (i) => seq(step('x', t1, { m: i })), { name: 'per-item' })) // 'per-item'
 * ```
 */
export const loopTemplateName = (n: ForEach): string => n.name

/** The composite forEach nodes in a body, outer ones first, not entering other templates. @example loopsIn(seq(a, perItem)) // [perItem] */
export const loopsIn: (n: Node) => readonly ForEach[] = foldNode<readonly ForEach[]>({
  Step: () => [],
  Seq: (n, go) => n.children.flatMap(go),
  Par: (n, go) => n.children.flatMap(go),
  Dag: (n, go) => n.children.flatMap(go),
  When: (n, go) => go(n.body),
  ForEach: (n, go) => [n, ...go(n.body)],
})

/**
 * The names of composite forEach nodes (in `bodies`: the workflow's and each subflow's), checked as the
 * template names they are: Argo's rules, and none taken by a template (in `taken`, the workflow's name
 * among them) or by another forEach.
 *
 * @example
 * ```ts
 * loopNameProblems([wf.body], ['say', 'wf'], ['wf']) // [problem: forEach "say" names its template, and a template is already named "say"]
 * ```
 */
export const loopNameProblems = (bodies: readonly Node[], taken: readonly string[], path: readonly string[]): Problem[] => {
  const templates = new Set(taken)
  const seen = new Set<string>()
  return bodies.flatMap(loopsIn).flatMap((n) => {
    const name = loopTemplateName(n)
    const at = [...path, 'forEach', n.name]
    if (seen.has(name)) return [problem(at, `two forEach nodes are named "${name}"`, 'a composite forEach names its template: give each its own name')]
    seen.add(name)
    if (templates.has(name)) return [problem(at, `forEach "${name}" names its template, and a template is already named "${name}"`, 'give the forEach another name')]
    return nameProblems('template', name, at)
  })
}
