import { lintProblem, templatePath, type LintRule } from './context.ts'

/** The fields of which a template must have exactly one. @example TEMPLATE_TYPES.includes('dag') // true */
export const TEMPLATE_TYPES = ['container', 'script', 'steps', 'dag', 'resource', 'suspend', 'containerSet', 'data', 'http', 'plugin'] as const

const LEAF = new Set<string>(['container', 'script', 'resource', 'containerSet', 'data', 'http', 'plugin'])

/**
 * Each template has exactly one type (`container`, `script`, `steps`, `dag`, …); `parallelism` only on
 * steps and DAG templates, `activeDeadlineSeconds` only on leaf templates (Argo's validate.go).
 *
 * @example
 * ```ts
 * templateType(ctxOf({ kind: 'Workflow', spec: { templates: [{ name: 'a', container: {}, script: {} }] } }))
 * // [{ path: ['spec', 'templates', '0'], message: 'template "a" has 2 types (container, script); exactly one is allowed [lint: template-type]' }]
 * ```
 */
export const templateType: LintRule = (ctx) =>
  ctx.templates.flatMap(({ t, i }) => {
    const path = templatePath(ctx, i)
    const types = TEMPLATE_TYPES.filter((k) => t[k] !== undefined && t[k] !== null)
    if (types.length !== 1)
      return [lintProblem(path, 'template-type', `template "${String(t['name'])}" has ${types.length} types${types.length ? ` (${types.join(', ')})` : ''}; exactly one is allowed`, `one of ${TEMPLATE_TYPES.join(', ')}`)]
    const leaf = LEAF.has(types[0]!)
    return [
      ...(t['parallelism'] !== undefined && leaf ? [lintProblem([...path, 'parallelism'], 'placement', 'parallelism is only allowed on steps and DAG templates')] : []),
      ...(t['activeDeadlineSeconds'] !== undefined && !leaf && types[0] !== 'suspend'
        ? [lintProblem([...path, 'activeDeadlineSeconds'], 'placement', 'activeDeadlineSeconds is only allowed on leaf templates')]
        : []),
    ]
  })
