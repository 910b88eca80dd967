import type { ArgoCall, ArgoWorkflow } from 'dflow-ts/argo'

/** One leaf call a manifest makes: its template and its parameters as Argo would pass them. */
export interface LeafCall {
  readonly template: string
  readonly parameters: Readonly<Record<string, string>>
}

/**
 * A stand-in for Argo's expansion of loops, for tests (not Argo itself): walks a manifest from its entrypoint,
 * expands `withItems`, `withSequence` and `withParam` on every call as Argo does (one call per item, `{{item}}`
 * and `{{item.k}}` substituted, object items as JSON), passes arguments into the called template's inputs, and
 * lists the leaf (script) calls with their parameters. `outputs` gives the value of a tag the stand-in cannot
 * compute (a step's `outputs.result`), keyed by the tag's text.
 *
 * @example
 * ```ts
 * expandLeafCalls(compile(wf), { 'steps.gen.outputs.result': '["a","b"]' }) // [{ template: 'echo', parameters: { m: 'a' } }, …]
 * ```
 */
export const expandLeafCalls = (m: ArgoWorkflow, outputs: Readonly<Record<string, string>> = {}): LeafCall[] => {
  const templates = new Map(m.spec.templates.map((t) => [t.name, t]))
  const wfParams = Object.fromEntries((m.spec.arguments?.parameters ?? []).map((p) => [p.name, String(p.value ?? '')]))
  const out: LeafCall[] = []
  const wire = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))
  const subst = (s: string, inputs: Readonly<Record<string, string>>, item: unknown): string =>
    s.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, tag: string) => {
      if (tag === 'item') return wire(item)
      if (tag.startsWith('item.')) return wire(tag.slice(5).split('.').reduce((v: any, k) => v?.[k], item))
      if (tag.startsWith('inputs.parameters.')) return inputs[tag.slice(18)] ?? whole
      if (tag.startsWith('workflow.parameters.')) return wfParams[tag.slice(20)] ?? whole
      if (tag in outputs) return outputs[tag]!
      throw new Error(`the stand-in cannot read {{${tag}}}`)
    })
  const itemsOf = (c: ArgoCall, inputs: Readonly<Record<string, string>>, item: unknown): readonly unknown[] | undefined => {
    if (c.withItems) return c.withItems
    if (c.withParam) return JSON.parse(subst(c.withParam, inputs, item)) as unknown[]
    if (c.withSequence) {
      const n = (k: string) => (c.withSequence![k] !== undefined ? Number(subst(c.withSequence![k]!, inputs, item)) : undefined)
      const start = n('start') ?? 0
      const end = n('end') ?? start + n('count')! - 1
      const step = start <= end ? 1 : -1
      return Array.from({ length: Math.abs(end - start) + 1 }, (_, i) => String(start + i * step))
    }
    return undefined
  }
  const call = (name: string, args: Readonly<Record<string, string>>) => {
    const t = templates.get(name)
    if (!t) throw new Error(`no template ${name}`)
    const inputs = { ...Object.fromEntries((t.inputs?.parameters ?? []).flatMap((p) => (p.default !== undefined ? [[p.name, p.default]] : []))), ...args }
    if (t.script) return void out.push({ template: name, parameters: inputs })
    const calls: readonly ArgoCall[] = t.steps ? t.steps.flat() : (t.dag?.tasks ?? [])
    for (const c of calls) {
      const argsFor = (item: unknown) => Object.fromEntries((c.arguments?.parameters ?? []).map((p) => [p.name, subst(String(p.value ?? ''), inputs, item)]))
      const items = itemsOf(c, inputs, undefined)
      if (items === undefined) call(c.template, argsFor(undefined))
      else for (const item of items) call(c.template, argsFor(item))
    }
  }
  call(m.spec.entrypoint, wfParams)
  return out
}
