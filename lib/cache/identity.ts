import { createHash } from 'node:crypto'
import type { HoleValue, LeafTemplate, Scalar } from 'dflow-ts'
import type { LeafCall } from '../engine/executor.ts'
import type { Value } from '../engine/values.ts'
import { leafParts } from '../fn/leaf-parts.ts'
import { canonicalData, templateDigest } from '../run/template-digest.ts'
import type { ArtifactLocation } from '../storage/location.ts'

/** The version of the identity's recipe: a change of what goes into it changes this, and so every key. */
const RECIPE = 'dflow-cache/2'

/** The template digests of one cache (each template's parts are read from disk once). */
export type TemplateDigests = (t: LeafTemplate) => string

/**
 * {@link TemplateDigests} memoized by template: the shared template digest (lib/run/template-digest.ts) of
 * each, its bundle and packages read once.
 *
 * @example
 * ```ts
 * const digests = templateDigests()
 * digests(hello) // 'sha256:…', what restart records and Argo's memo key starts with
 * ```
 */
export const templateDigests = (): TemplateDigests => {
  const known = new Map<LeafTemplate, string>()
  const bundles = new Map<string, string>()
  return (t) => {
    let d = known.get(t)
    if (d === undefined) known.set(t, (d = templateDigest(t, leafParts(t, bundles))))
    return d
  }
}

/** What the holes of a call's script read from the call itself: the workflow parameters they name, by value, and the run's or the step's name where the script reads it. */
const callHoles = (t: LeafTemplate, call: LeafCall): unknown[] => {
  if (t._tag !== 'ScriptTemplate') return []
  const out: unknown[] = []
  const visit = (v: HoleValue): void => {
    if (Array.isArray(v)) return v.forEach((x: Scalar) => visit(x))
    if (typeof v !== 'object' || v === null) return
    const o = v as { _tag: string; name: string; source?: { kind: string } }
    if (o._tag === 'ContextVar') out.push({ context: o.name, value: o.name === 'workflow.name' ? call.runId : call.stepName })
    else if (o.source?.kind === 'workflow') {
      const value = call.parameters[o.name]
      out.push({ workflow: o.name, ...(value?.kind === 'param' ? { value: value.wire } : {}) })
    }
  }
  for (const g of t.source.segments) if (g._tag === 'Hole') visit(g.value)
  return out
}

/**
 * The content identity of a leaf call, `sha256:<hex>`: the digest of what it computes — its template's digest
 * (the one digest restart and Argo's memoize use too: the script's text, the command, image and env; a function
 * OP's bundle; the shipped packages' contents; the declared inputs and outputs), its input parameters' values,
 * its input artifacts' content digests, and the workflow parameters its script names. Not in it: where and how
 * the call runs (the run id, the step's id or key, resources, a batch queue, retries, timeouts) — except where
 * the script itself reads the run's name or the step's (`ctx.workflowName`, `ctx.stepName`). `undefined` when
 * an input artifact's content digest cannot be had (it is in no store this run can read): such a call is not
 * cached.
 *
 * @example
 * ```ts
 * await callIdentity(call, digests, templateDigests()) // 'sha256:3b1f…'
 * ```
 */
export const callIdentity = async (call: LeafCall, digests: (at: ArtifactLocation) => Promise<string | undefined>, templates: TemplateDigests): Promise<string | undefined> => {
  const inputs: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(call.inputs) as [string, Value][]) {
    if (v.kind === 'param') inputs[name] = { wire: v.wire }
    else if (v.at === null) inputs[name] = { artifact: null }
    else {
      const d = await digests(v.at)
      if (d === undefined) return undefined
      inputs[name] = { artifact: d }
    }
  }
  const text = JSON.stringify({ recipe: RECIPE, template: templates(call.template), holes: callHoles(call.template, call), inputs: canonicalData(inputs) })
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}
