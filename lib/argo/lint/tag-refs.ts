import type { Problem } from 'dflow-ts'
import { callsOf, isObj, lintProblem, objs, stringsIn, templatePath, type LintContext, type LintRule, type Obj } from './context.ts'

/**
 * The `{{…}}` tags of a string, trimmed; expression tags (`{{= …}}`) are left out: they are expr-lang
 * programs, not references.
 *
 * @example
 * ```ts
 * tagsOf('echo {{inputs.parameters.x}} {{=asInt(1)}}') // ['inputs.parameters.x']
 * ```
 */
export const tagsOf = (s: string): string[] => [...s.matchAll(/\{\{(.*?)\}\}/gs)].map((m) => m[1]!.trim()).filter((t) => !t.startsWith('='))

const namesIn = (io: unknown, kind: 'parameters' | 'artifacts'): Set<unknown> => new Set(isObj(io) ? objs(io[kind]).map((p) => p['name']) : [])

interface Scope {
  readonly inputs: Readonly<Record<'parameters' | 'artifacts', Set<unknown>>>
  readonly calls: Set<unknown>
  readonly callKind: 'steps' | 'tasks' | undefined
  /** Workflow parameters, when they can be known from the document alone. */
  readonly globals: Set<unknown> | undefined
}

/** Variables that look like references but are not: the current step's name, all parameters as JSON. */
const CONTEXT_VARIABLES = new Set(['steps.name', 'tasks.name', 'workflow.parameters.json'])

const check = (tag: string, scope: Scope, path: readonly string[]): Problem[] => {
  if (CONTEXT_VARIABLES.has(tag)) return []
  const m = /^(inputs|steps|tasks|workflow)\.([-a-zA-Z0-9_]+)(?:\.([-a-zA-Z0-9_]+))?/.exec(tag)
  if (!m) return []
  const [, root, a, b] = m
  const fail = (what: string) => [lintProblem(path, 'tag-ref', `{{${tag}}} does not resolve: ${what}`)]
  if (root === 'inputs' && (a === 'parameters' || a === 'artifacts') && b !== undefined)
    return scope.inputs[a].has(b) ? [] : fail(`the template declares no input ${a.slice(0, -1)} "${b}"`)
  if (root === 'steps' || root === 'tasks') {
    if (scope.callKind !== root) return fail(`${root}.… can only be used in a ${root === 'steps' ? 'steps' : 'DAG'} template`)
    return scope.calls.has(a) ? [] : fail(`no ${root === 'steps' ? 'step' : 'task'} "${a}" in this template`)
  }
  if (root === 'workflow' && a === 'parameters' && b !== undefined && scope.globals)
    return scope.globals.has(b) ? [] : fail(`no workflow parameter "${b}" in spec.arguments`)
  return []
}

const templateTags = (ctx: LintContext, t: Obj, i: number, globals: Set<unknown> | undefined): Problem[] => {
  const scope: Scope = {
    inputs: { parameters: namesIn(t['inputs'], 'parameters'), artifacts: namesIn(t['inputs'], 'artifacts') },
    calls: new Set(callsOf(t).map(({ call }) => call['name'])),
    callKind: Array.isArray(t['steps']) ? 'steps' : isObj(t['dag']) ? 'tasks' : undefined,
    globals,
  }
  return stringsIn(t, templatePath(ctx, i)).flatMap(({ s, path }) => tagsOf(s).flatMap((tag) => check(tag, scope, path)))
}

/**
 * `{{…}}` references resolve: `inputs.parameters.X` / `inputs.artifacts.X` to an input of the same
 * template, `steps.X.…` to a step of the same steps template, `tasks.X.…` to a task of the same DAG, and
 * (in a Workflow or CronWorkflow that does not take its spec from a WorkflowTemplate)
 * `workflow.parameters.X` to a parameter of `spec.arguments`. Other variables (`item`, `pod.name`,
 * `workflow.name`, `steps.name`, …) and `{{= …}}` expressions are not checked.
 *
 * @example
 * ```ts
 * tagRefs(ctxOf({ kind: 'Workflow', spec: { templates: [{ name: 'a', script: { source: 'echo {{inputs.parameters.x}}' } }] } }))
 * // [{ path: [… 'script', 'source'], message: '{{inputs.parameters.x}} does not resolve: the template declares no input parameter "x" [lint: tag-ref]' }]
 * ```
 */
export const tagRefs: LintRule = (ctx) => {
  const local = (ctx.kind === 'Workflow' || ctx.kind === 'CronWorkflow') && ctx.spec['workflowTemplateRef'] === undefined
  const globals = local ? namesIn(ctx.spec['arguments'], 'parameters') : undefined
  return ctx.templates.flatMap(({ t, i }) => templateTags(ctx, t, i, globals))
}
