import type { Problem } from 'dflow-ts'
import { isObj, objs, type LintContext, type LintRule } from './context.ts'
import { dag } from './dag.ts'
import { exprTags } from './expr-tags.ts'
import { names, resourceName } from './names.ts'
import { tagRefs } from './tag-refs.ts'
import { templateRefs } from './template-refs.ts'
import { templateType } from './template-type.ts'

/** Every lint rule, in the order their problems are listed. @example RULES.flatMap((r) => r(ctx)) */
export const RULES: readonly LintRule[] = [names, templateType, templateRefs, dag, tagRefs, exprTags]

/** The lint context of a document, or nothing for kinds without a workflow spec. @example contextOf({ kind: 'CronWorkflow', spec: { workflowSpec: {} } })?.at // ['spec', 'workflowSpec'] */
export const contextOf = (doc: unknown): LintContext | undefined => {
  if (!isObj(doc) || !isObj(doc['spec'])) return undefined
  const kind = String(doc['kind'])
  const cron = kind === 'CronWorkflow'
  const spec = cron ? doc['spec']['workflowSpec'] : doc['spec']
  if (!isObj(spec) || kind === 'WorkflowEventBinding') return undefined
  const templates = Array.isArray(spec['templates']) ? (spec['templates'] as unknown[]).flatMap((t, i) => (isObj(t) ? [{ t, i }] : [])) : []
  return {
    kind,
    spec,
    at: cron ? ['spec', 'workflowSpec'] : ['spec'],
    templates,
    names: new Set(objs(spec['templates']).map((t) => t['name']).filter((n): n is string => typeof n === 'string')),
  }
}

/**
 * Argo's rules that its JSON schema cannot see (validate.go): names and their uniqueness, one type per
 * template, template references, DAG `depends` and cycles, `{{…}}` references, `{{= … }}` tags cut short. Each problem names the
 * path and the rule (`[lint: RULE]`). Works on any Argo document, hand-written ones included.
 *
 * @example
 * ```ts
 * lint({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'x-' }, spec: { entrypoint: 'main', templates: [] } })
 * // [{ path: ['spec', 'entrypoint'], message: 'entrypoint "main" is not a template of this workflow [lint: template-ref]', … }]
 * ```
 */
export const lint = (doc: unknown): Problem[] => {
  const ctx = contextOf(doc)
  const meta = isObj(doc) ? resourceName(String(doc['kind']), doc['metadata']) : []
  return ctx ? [...meta, ...RULES.flatMap((rule) => rule(ctx))] : meta
}
