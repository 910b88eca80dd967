import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import type { FnTemplate, HoleValue, IoSpec, LeafTemplate, Scalar, ScriptTemplate } from 'dflow-ts'
import type { LeafCall } from '../engine/executor.ts'
import type { Value } from '../engine/values.ts'
import { treeDigest, walkTree } from '../storage/digest.ts'
import type { ArtifactLocation } from '../storage/location.ts'

/** The version of the identity's recipe: a change of what goes into it changes this, and so every key. */
const RECIPE = 'dflow-cache/1'

/**
 * Plain JSON of a value, with object keys sorted (so that two equal values give one text), a codec as its
 * name and functions left out.
 */
const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical)
  if (typeof v === 'function' || v === undefined) return undefined
  if (typeof v !== 'object' || v === null) return v
  const o = v as Record<string, unknown>
  if (typeof o['decode'] === 'function' && typeof o['name'] === 'string') return { codec: o['name'] }
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .flatMap((k) => {
        const c = canonical(o[k])
        return c === undefined ? [] : [[k, c]]
      }),
  )
}

/** What one hole of a script contributes: a literal as it is, a reference by what it names (a workflow parameter by its value), a context variable by its value in this call. */
const holeOf = (v: HoleValue, call: LeafCall): unknown => {
  if (Array.isArray(v)) return v.map((x: Scalar) => holeOf(x, call))
  if (typeof v !== 'object' || v === null) return v
  const o = v as Scalar & { _tag: string }
  switch (o._tag) {
    case 'Raw':
      return { raw: (v as { text: string }).text }
    case 'ContextVar':
      return { context: (o as { name: string }).name, value: (o as { name: string }).name === 'workflow.name' ? call.runId : call.stepName }
    case 'OutputPath':
      return { output: (o as { name: string }).name, kind: (o as { kind: string }).kind }
    default: {
      const r = o as { _tag: string; name: string; source: { kind: string } }
      const value = r.source.kind === 'workflow' ? call.parameters[r.name] : undefined
      return { ref: r._tag, name: r.name, source: r.source.kind, ...(value?.kind === 'param' ? { value: value.wire } : {}) }
    }
  }
}

/** The content digest of each shipped package folder (hashed once per value of `packages`). */
export type PackageDigests = (dir: string) => Promise<string>

/** Hashes package folders, each once. @example const pkgs = packageDigests(); await pkgs('./lib/helpers') // 'sha256:…' */
export const packageDigests = (): PackageDigests => {
  const known = new Map<string, Promise<string>>()
  return (dir) => {
    const abs = resolve(dir)
    let p = known.get(abs)
    if (!p) known.set(abs, (p = walkTree(abs).then(treeDigest)))
    return p
  }
}

const EMPTY_PLAN = { params: {}, artifacts: {}, outputs: {} }
const bundles = new Map<FnTemplate, Promise<string>>()

/** The sha256 of a function OP's bundle (its module and everything it imports, as esbuild bundles it for a pod). */
const bundleDigest = (t: FnTemplate): Promise<string> => {
  let p = bundles.get(t)
  if (!p) {
    // esbuild is loaded only when a function OP is cached.
    p = import('../fn/bundle.ts').then(({ esbuildBundler }) => `sha256:${createHash('sha256').update(esbuildBundler(t, EMPTY_PLAN)).digest('hex')}`)
    bundles.set(t, p)
  }
  return p
}

/** What a template computes with, as plain data: nothing about where it runs (resources, node selectors, retries, timeouts, names of queues). */
const templateOf = async (t: LeafTemplate, call: LeafCall, packages: PackageDigests): Promise<unknown> => {
  const common = {
    inputs: canonical(t.inputs as IoSpec),
    outputs: canonical(t.outputs as IoSpec),
    image: t.image ?? null,
    env: canonical(t.env ?? {}),
    packages: await Promise.all((t.packages ?? []).map(packages)),
  }
  if (t._tag === 'FnTemplate') return { kind: 'fn', name: t.name, bundle: await bundleDigest(t), ...common }
  const s = t as ScriptTemplate
  const segments = s.source.segments.map((g) => (g._tag === 'Text' ? g.text : { hole: holeOf(g.value, call), context: g.context }))
  return { kind: 'script', lang: s.source.lang, command: s.command, segments, ...common }
}

/**
 * The content identity of a leaf call, `sha256:<hex>`: the digest of what it computes — its template (the
 * script's text and holes, the command, image and env; a function OP's bundle; the digests of shipped package
 * folders; the declared inputs and outputs), its input parameters' values and its input artifacts' content
 * digests. Not in it: where and how the call runs (the run id, the step's id or key, resources, a batch queue,
 * retries, timeouts) — except where the script itself reads the run's name or the step's (`ctx.workflowName`,
 * `ctx.stepName`). `undefined` when an input artifact's content digest cannot be had (it is in no store this
 * run can read): such a call is not cached.
 *
 * @example
 * ```ts
 * await callIdentity(call, digests, packageDigests()) // 'sha256:3b1f…'
 * ```
 */
export const callIdentity = async (call: LeafCall, digests: (at: ArtifactLocation) => Promise<string | undefined>, packages: PackageDigests): Promise<string | undefined> => {
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
  const text = JSON.stringify({ recipe: RECIPE, template: await templateOf(call.template, call, packages), inputs: canonical(inputs) })
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}
