import type { Problem } from 'dflow-ts'
import { callsOf, isObj, lintProblem, objs, templatePath, type LintContext, type LintRule, type Obj } from './context.ts'

const CALL = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/
const IO = /^[-a-zA-Z0-9_]+$/
const DNS = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** Argo's limit on a resource's name, per kind (it names pods and labels after it). */
const MAX_NAME: Readonly<Record<string, number>> = { Workflow: 63, CronWorkflow: 52 }

const checkName = (name: unknown, pattern: RegExp, max: number, what: string, path: readonly string[]): Problem[] => {
  if (typeof name !== 'string') return []
  if (!pattern.test(name)) return [lintProblem(path, 'name', `${what} "${name}" must match ${pattern.source}`)]
  if (name.length > max) return [lintProblem(path, 'name', `${what} "${name}" is ${name.length} characters long; at most ${max} are allowed`)]
  return []
}

const duplicates = (items: readonly { readonly name: unknown; readonly path: readonly string[] }[], what: string): Problem[] => {
  const seen = new Set<unknown>()
  return items.flatMap(({ name, path }) => {
    if (typeof name !== 'string' || !seen.has(name)) return (seen.add(name), [])
    return [lintProblem(path, 'unique-name', `two ${what} are named "${name}"`)]
  })
}

/** Parameters and artifacts of an inputs/outputs/arguments block: names valid and unique per list. */
const ioNames = (io: unknown, path: readonly string[]): Problem[] => {
  if (!isObj(io)) return []
  return (['parameters', 'artifacts'] as const).flatMap((k) => {
    const items = objs(io[k]).map((p, i) => ({ name: p['name'], path: [...path, k, String(i), 'name'] }))
    return [...items.flatMap((x) => checkName(x.name, IO, 128, k.slice(0, -1), x.path)), ...duplicates(items, k)]
  })
}

const templateNames = (t: Obj, path: readonly string[]): Problem[] => {
  const calls = callsOf(t).map(({ call, path: p }) => ({ call, path: [...path, ...p] }))
  return [
    ...checkName(t['name'], CALL, 128, 'template name', [...path, 'name']),
    ...ioNames(t['inputs'], [...path, 'inputs']),
    ...ioNames(t['outputs'], [...path, 'outputs']),
    ...calls.flatMap(({ call, path: p }) => [...checkName(call['name'], CALL, 128, 'step name', [...p, 'name']), ...ioNames(call['arguments'], [...p, 'arguments'])]),
    ...duplicates(calls.map(({ call, path: p }) => ({ name: call['name'], path: [...p, 'name'] })), Array.isArray(t['steps']) ? 'steps' : 'tasks'),
  ]
}

/**
 * Argo's name rules the schema cannot see: the resource's name (a DNS subdomain, at most 63 characters
 * for a Workflow, 52 for a CronWorkflow), template and step/task names (`[a-zA-Z0-9][-a-zA-Z0-9]*`, at most
 * 128), parameter and artifact names (`[-a-zA-Z0-9_]+`), each unique where Argo requires it.
 *
 * @example
 * ```ts
 * names(ctxOf({ kind: 'Workflow', spec: { templates: [{ name: 'a_b', container: {} }] } }))
 * // [{ path: ['spec', 'templates', '0', 'name'], message: 'template name "a_b" must match … [lint: name]' }]
 * ```
 */
export const names: LintRule = (ctx: LintContext) => [
  ...ctx.templates.flatMap(({ t, i }) => templateNames(t, templatePath(ctx, i))),
  ...duplicates(ctx.templates.map(({ t, i }) => ({ name: t['name'], path: [...templatePath(ctx, i), 'name'] })), 'templates'),
  ...ioNames(ctx.spec['arguments'], [...ctx.at, 'arguments']),
]

/** The rule for `metadata.name`, which lives outside the spec. @example resourceName('Workflow', { name: 'Hello' }) // [problem] */
export const resourceName = (kind: string, metadata: unknown): Problem[] =>
  isObj(metadata) ? checkName(metadata['name'], DNS, MAX_NAME[kind] ?? 253, `${kind} name`, ['metadata', 'name']) : []
