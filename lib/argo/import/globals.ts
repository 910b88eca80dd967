/**
 * The workflow outputs a document declares: every `globalName` of an output parameter or artifact of any of its
 * templates (inline ones included), by name, with its kind. What `{{workflow.outputs.parameters|artifacts.X}}`
 * may name (Argo resolves such a tag once a node exporting X has completed: workflow/controller/operator.go's
 * addOutputsToGlobalScope).
 *
 * @example
 * ```ts
 * declaredGlobals([spec]) // Map { 'my-global-param' => 'parameters', 'my-global-art' => 'artifacts' }
 * ```
 */
export const declaredGlobals = (docs: readonly unknown[]): ReadonlyMap<string, 'parameters' | 'artifacts'> => {
  const out = new Map<string, 'parameters' | 'artifacts'>()
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit)
    if (typeof v !== 'object' || v === null) return
    const o = v as Record<string, unknown>
    const outputs = o.outputs as Record<string, unknown> | undefined
    for (const kind of ['parameters', 'artifacts'] as const) {
      const xs = outputs?.[kind]
      if (Array.isArray(xs)) for (const x of xs) if (typeof x?.globalName === 'string') out.set(x.globalName, kind)
    }
    for (const c of Object.values(o)) visit(c)
  }
  visit(docs)
  return out
}
