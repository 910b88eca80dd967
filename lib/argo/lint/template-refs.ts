import type { Problem } from 'dflow-ts'
import { callsOf, isObj, lintProblem, templatePath, type LintContext, type LintRule, type Obj } from './context.ts'

const refProblem = (ctx: LintContext, name: unknown, path: readonly string[], what: string): Problem[] =>
  typeof name === 'string' && !ctx.names.has(name)
    ? [lintProblem(path, 'template-ref', `${what} "${name}" is not a template of this workflow`, `templates: ${[...ctx.names].join(', ') || 'none'}`)]
    : []

/** Templates named by lifecycle hooks (`hooks: { exit: { template } }`). */
const hookRefs = (ctx: LintContext, hooks: unknown, path: readonly string[]): Problem[] =>
  isObj(hooks) ? Object.entries(hooks).flatMap(([k, h]) => (isObj(h) ? refProblem(ctx, h['template'], [...path, k, 'template'], 'hook template') : [])) : []

const callRefs = (ctx: LintContext, call: Obj, path: readonly string[]): Problem[] => [
  ...(call['templateRef'] === undefined && call['inline'] === undefined ? refProblem(ctx, call['template'], [...path, 'template'], 'template') : []),
  ...refProblem(ctx, call['onExit'], [...path, 'onExit'], 'exit handler'),
  ...hookRefs(ctx, call['hooks'], [...path, 'hooks']),
]

/**
 * Every template reference resolves within the document: `entrypoint`, `onExit`, hooks, and each step's or
 * task's `template` (unless it uses `templateRef` or `inline`). A spec that is only a `workflowTemplateRef`
 * has nothing to resolve here.
 *
 * @example
 * ```ts
 * templateRefs(ctxOf({ kind: 'Workflow', spec: { entrypoint: 'main', templates: [] } }))
 * // [{ path: ['spec', 'entrypoint'], message: 'entrypoint "main" is not a template of this workflow [lint: template-ref]' }]
 * ```
 */
export const templateRefs: LintRule = (ctx) => {
  if (ctx.spec['workflowTemplateRef'] !== undefined) return []
  return [
    ...refProblem(ctx, ctx.spec['entrypoint'], [...ctx.at, 'entrypoint'], 'entrypoint'),
    ...refProblem(ctx, ctx.spec['onExit'], [...ctx.at, 'onExit'], 'exit handler'),
    ...hookRefs(ctx, ctx.spec['hooks'], [...ctx.at, 'hooks']),
    ...ctx.templates.flatMap(({ t, i }) => callsOf(t).flatMap(({ call, path }) => callRefs(ctx, call, [...templatePath(ctx, i), ...path]))),
  ]
}
