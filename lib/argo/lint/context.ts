import { problem, type Problem } from 'dflow-ts'

/** A plain JSON object, as read from a manifest. @example const o: Obj = { name: 'main' } */
export type Obj = Readonly<Record<string, unknown>>

/** What every lint rule sees: the document's kind, its workflow spec and where that spec is. @example contextOf(doc)?.at // ['spec'] */
export interface LintContext {
  readonly kind: string
  /** The workflow spec (`spec`, or `spec.workflowSpec` for a CronWorkflow). */
  readonly spec: Obj
  /** The path of the spec in the document. */
  readonly at: readonly string[]
  /** The templates with their index, those that are objects. */
  readonly templates: readonly { readonly t: Obj; readonly i: number }[]
  /** Template names defined in this document. */
  readonly names: ReadonlySet<string>
}

/** A lint rule: its problems for one document. @example const none: LintRule = () => [] */
export type LintRule = (ctx: LintContext) => Problem[]

/** Whether a value is a plain object. @example isObj({}) // true */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The value as a list of objects, dropping anything else. @example objs([{ a: 1 }, 2]) // [{ a: 1 }] */
export const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : [])

/**
 * A lint problem: the path, and the message tagged with the rule that found it.
 *
 * @example
 * ```ts
 * lintProblem(['spec', 'entrypoint'], 'template-ref', 'entrypoint "main" is not a template') // message: 'entrypoint "main" is not a template [lint: template-ref]'
 * ```
 */
export const lintProblem = (path: readonly string[], rule: string, message: string, hint?: string): Problem =>
  problem(path, `${message} [lint: ${rule}]`, hint)

/** The path of a template in the document. @example templatePath(ctx, 2) // ['spec', 'templates', '2'] */
export const templatePath = (ctx: LintContext, i: number): string[] => [...ctx.at, 'templates', String(i)]

/**
 * Every step of a steps template with its path (`steps.G.S`), and every task of a DAG template with its
 * path (`dag.tasks.T`), relative to the template.
 *
 * @example
 * ```ts
 * callsOf({ steps: [[{ name: 'a' }]] }) // [{ call: { name: 'a' }, path: ['steps', '0', '0'] }]
 * ```
 */
export const callsOf = (t: Obj): { readonly call: Obj; readonly path: readonly string[] }[] => {
  if (Array.isArray(t['steps']))
    return (t['steps'] as unknown[]).flatMap((g, gi) => (Array.isArray(g) ? g.flatMap((s, si) => (isObj(s) ? [{ call: s, path: ['steps', String(gi), String(si)] }] : [])) : []))
  if (isObj(t['dag'])) return objs(t['dag']['tasks']).map((call, ti) => ({ call, path: ['dag', 'tasks', String(ti)] }))
  return []
}

/**
 * Every string inside a value, with its path.
 *
 * @example
 * ```ts
 * stringsIn({ a: ['x'] }, ['spec']) // [{ s: 'x', path: ['spec', 'a', '0'] }]
 * ```
 */
export const stringsIn = (v: unknown, path: readonly string[]): { s: string; path: readonly string[] }[] =>
  typeof v === 'string'
    ? [{ s: v, path }]
    : Array.isArray(v)
      ? v.flatMap((x, i) => stringsIn(x, [...path, String(i)]))
      : isObj(v)
        ? Object.entries(v).flatMap(([k, x]) => stringsIn(x, [...path, k]))
        : []
