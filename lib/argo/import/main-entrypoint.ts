/**
 * Argo's `{{workflow.mainEntrypoint}}`: the name of the template the workflow starts from. Argo's controller sets
 * it once per workflow, among the global parameters (workflow/controller/operator.go's setGlobalParameters:
 * `execWf.Spec.Entrypoint`, the spec after a `workflowTemplateRef` is merged in), and substitutes it as it
 * substitutes every simple tag, textually, in any template it runs — a WorkflowTemplate's too, where it names the
 * entrypoint of the workflow that calls it. The importer does the same at import, where the value is known: the
 * tag becomes the name wherever a simple tag may stand (a leaf's fields, arguments, `when`, …).
 *
 * @module
 */

/** The tag's name. @example MAIN_ENTRYPOINT // 'workflow.mainEntrypoint' */
export const MAIN_ENTRYPOINT = 'workflow.mainEntrypoint'

// a simple tag, `{{` up to the first `}}`, its name trimmed (tags.ts); an expression tag `{{= … }}` is left alone
const TAG = /\{\{(=?)([\s\S]*?)\}\}/g

/**
 * A document part with every `{{workflow.mainEntrypoint}}` in its strings replaced by `entrypoint`; the other
 * tags, expression tags among them, stay as they are (an expression reading `workflow.mainEntrypoint` is then
 * refused where expressions are read, naming its field).
 *
 * @example
 * ```ts
 * withMainEntrypoint({ args: ['entry is {{ workflow.mainEntrypoint }} of {{workflow.name}}'] }, 'main')
 * // { args: ['entry is main of {{workflow.name}}'] }
 * ```
 */
export const withMainEntrypoint = <T>(value: T, entrypoint: string): T => {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(MAIN_ENTRYPOINT) ? v.replace(TAG, (m, eq: string, name: string) => (!eq && name.trim() === MAIN_ENTRYPOINT ? entrypoint : m)) : v
    if (Array.isArray(v)) return v.map(visit)
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]))
    return v
  }
  return visit(value) as T
}
