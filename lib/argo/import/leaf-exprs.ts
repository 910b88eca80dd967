import type { ContainerSpec } from './leaf.ts'
import { pieces, type Piece } from './tags.ts'

/** The node-context tags a leaf's fields may use that name its caller: each a hidden input as an expression is, that every call fills with its own step's (or dag task's) name. @example CALLER_TAGS.includes('steps.name') // true */
export const CALLER_TAGS: readonly string[] = ['steps.name', 'tasks.name']

/** A `{{= … }}` of a leaf's own fields, computed for each call into the hidden input `name`. @example const x: LeafExpr = { name: 'argo-expr-0', source: 'asInt(inputs.parameters.foo) * 10' } */
export interface LeafExpr {
  readonly name: string
  readonly source: string
}

/**
 * Takes the expression tags out of a leaf's containers (command, args, source, working folder, env): each
 * becomes the tag of a hidden input, `{{inputs.parameters.argo-expr-N}}` (the same expression, the same
 * input), which every call computes from what it passes the leaf's inputs (build.ts `leafExprArgs`) and the
 * leaf runner pastes as it pastes any input. Argo evaluates them in the pod's template, from the same inputs.
 * The template's other texts that Argo evaluates from its inputs (`more`: the memoize key, the artifacts' keys) are hoisted alike.
 *
 * @example
 * ```ts
 * hoistExprTags([{ …, args: ['echo', 'hello {{=asInt(inputs.parameters.foo) * 10}}'] }])
 * // { containers: [{ …, args: ['echo', 'hello {{inputs.parameters.argo-expr-0}}'] }], exprs: [{ name: 'argo-expr-0', source: 'asInt(inputs.parameters.foo) * 10' }] }
 * ```
 */
export const hoistExprTags = (
  containers: readonly ContainerSpec[],
  more: readonly string[] = [],
): { readonly containers: readonly ContainerSpec[]; readonly exprs: readonly LeafExpr[]; readonly more: readonly string[] } => {
  const exprs: LeafExpr[] = []
  const hoist = (p: Piece): string => {
    if (p._tag === 'Text') return p.text
    if (p._tag === 'Tag' && !CALLER_TAGS.includes(p.name)) return `{{${p.name}}}`
    const source = p._tag === 'Tag' ? p.name : p.source
    let x = exprs.find((e) => e.source === source)
    if (!x) exprs.push((x = { name: `argo-expr-${exprs.length}`, source }))
    return `{{inputs.parameters.${x.name}}}`
  }
  // a text without an expression stays exactly as written
  const text = (s: string): string => (pieces(s).some((p) => p._tag === 'ExprTag' || (p._tag === 'Tag' && CALLER_TAGS.includes(p.name))) ? pieces(s).map(hoist).join('') : s)
  const hoisted = containers.map((c) => ({
    ...c,
    ...(c.command ? { command: c.command.map(text) } : {}),
    ...(c.args ? { args: c.args.map(text) } : {}),
    ...(c.source !== undefined ? { source: text(c.source) } : {}),
    ...(c.workingDir !== undefined ? { workingDir: text(c.workingDir) } : {}),
    env: c.env.map(([k, v]) => [k, text(v)] as const),
  }))
  const others = more.map(text)
  return exprs.length ? { containers: hoisted, exprs, more: others } : { containers, exprs, more }
}
