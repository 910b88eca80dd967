import { mentionsResult } from '../result-capture.ts'
import { templateKey, type Library } from './build.ts'

type Obj = Record<string, any>

/**
 * Which templates keep their stdout as `outputs.result`, as Argo decides it (result-capture.ts): a template is
 * given no `result` when every call of it is a step or dag task (`template:` or `templateRef:`) of a template
 * that does not mention that call's result — Argo's controller keeps it for none of them. A template called in
 * any other way too (from a hook, as the entrypoint alone, inline) keeps it: Argo keeps it for some of those
 * calls and not for others (none for the entrypoint), and one template here has one set of outputs, so it
 * keeps it for all — a result more than Argo shows, never one less. The predicate takes the builder's key of
 * a named template (`templateKey`).
 *
 * @example
 * ```ts
 * const keeps = resultsKept([own], library)
 * keeps('\u0000print-message') // false: its callers never read {{steps.print-message.outputs.result}}
 * ```
 */
export const resultsKept = (libraries: readonly Library[], library: (name: string, cluster: boolean) => Library | undefined): ((key: string) => boolean) => {
  const quiet = new Set<string>()
  const kept = new Set<string>()
  const keyOf = (lib: Library, c: Obj): string | undefined => {
    if (typeof c.template === 'string') return templateKey(lib, c.template)
    const r = c.templateRef as Obj | undefined
    const other = r && library(String(r.name), !!r.clusterScope)
    return other ? templateKey(other, String(r!.template)) : undefined
  }
  for (const lib of libraries)
    for (const { t } of lib.templates.values()) {
      const kind = Array.isArray(t?.steps) ? 'steps' : Array.isArray(t?.dag?.tasks) ? 'tasks' : undefined
      if (kind === undefined) continue
      const json = JSON.stringify(t)
      const calls: unknown[] = kind === 'steps' ? (t.steps as unknown[]).flatMap((g) => (Array.isArray(g) ? g : [g])) : t.dag.tasks
      for (const c of calls) {
        if (typeof c !== 'object' || c === null) continue
        const call = c as Obj
        const key = keyOf(lib, call)
        if (key !== undefined) (mentionsResult(t, kind, String(call.name), json) ? kept : quiet).add(key)
        const hooks = [...Object.values((call.hooks ?? {}) as Record<string, Obj>), ...(call.onExit !== undefined ? [{ template: call.onExit }] : [])]
        for (const h of hooks) {
          const k = typeof h === 'object' && h !== null ? keyOf(lib, h) : undefined
          if (k !== undefined) kept.add(k)
        }
      }
    }
  return (key) => kept.has(key) || !quiet.has(key)
}
