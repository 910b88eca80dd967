/**
 * Argo's globals that the workflow's spec fixes: `{{workflow.mainEntrypoint}}` (the template the workflow starts
 * from), `{{workflow.serviceAccountName}}` (empty when the spec names none) and `{{workflow.priority}}` (only when
 * the spec sets one: otherwise the tag is unknown, as it is to Argo). Argo's controller sets them once per
 * workflow among its global parameters (workflow/controller/operator.go's setGlobalParameters, from
 * `execWf.Spec`, the spec after a `workflowTemplateRef` is merged in) and substitutes them as it substitutes
 * every simple tag, textually, in any template it runs — a WorkflowTemplate's too, where they are the calling
 * workflow's. The importer does the same at import, where the values are known: each tag becomes its value
 * wherever a simple tag may stand (a leaf's fields, arguments, `when`, …). `{{workflow.creationTimestamp.RFC3339}}`,
 * to Argo the same text as `{{workflow.creationTimestamp}}`, becomes that tag, which the run fills in.
 *
 * @module
 */

/** The name of the workflow's entrypoint's tag. @example MAIN_ENTRYPOINT // 'workflow.mainEntrypoint' */
export const MAIN_ENTRYPOINT = 'workflow.mainEntrypoint'

/** What of a workflow's spec its globals come from. @example const s: GlobalsSpec = { entrypoint: 'main', priority: 5 } */
export interface GlobalsSpec {
  readonly entrypoint?: unknown
  readonly serviceAccountName?: unknown
  readonly priority?: unknown
}

/**
 * The globals a spec fixes, by tag name, their values as Argo's controller writes them (the priority as
 * `strconv.Itoa` of the int32); and `{{workflow.creationTimestamp.RFC3339}}`, which Argo sets to the same text as
 * `{{workflow.creationTimestamp}}` (both `Format(time.RFC3339)`), as that tag, for the run to fill in.
 *
 * @example
 * ```ts
 * specGlobals({ entrypoint: 'main', priority: 5 })
 * // { 'workflow.creationTimestamp.RFC3339': '{{workflow.creationTimestamp}}', 'workflow.mainEntrypoint': 'main', 'workflow.serviceAccountName': '', 'workflow.priority': '5' }
 * ```
 */
export const specGlobals = (spec: GlobalsSpec): Readonly<Record<string, string>> => ({
  'workflow.creationTimestamp.RFC3339': '{{workflow.creationTimestamp}}',
  ...(typeof spec.entrypoint === 'string' ? { [MAIN_ENTRYPOINT]: spec.entrypoint } : {}),
  'workflow.serviceAccountName': typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : '',
  ...(typeof spec.priority === 'number' && Number.isInteger(spec.priority) ? { 'workflow.priority': String(spec.priority) } : {}),
})

// a simple tag, `{{` up to the first `}}`, its name trimmed (tags.ts); an expression tag `{{= … }}` is left alone
const TAG = /\{\{(=?)([\s\S]*?)\}\}/g

/**
 * A document part with every simple tag that `globals` names replaced by its value; the other tags, expression
 * tags among them, stay as they are (an expression reading one of these globals is then refused where
 * expressions are read, naming its field).
 *
 * @example
 * ```ts
 * withGlobals({ args: ['entry is {{ workflow.mainEntrypoint }} of {{workflow.name}}'] }, { 'workflow.mainEntrypoint': 'main' })
 * // { args: ['entry is main of {{workflow.name}}'] }
 * ```
 */
export const withGlobals = <T>(value: T, globals: Readonly<Record<string, string>>): T => {
  const names = Object.keys(globals)
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return names.some((n) => v.includes(n)) ? v.replace(TAG, (m, eq: string, name: string) => (!eq && Object.hasOwn(globals, name.trim()) ? globals[name.trim()]! : m)) : v
    if (Array.isArray(v)) return v.map(visit)
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]))
    return v
  }
  return visit(value) as T
}
