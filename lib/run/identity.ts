import { createHash } from 'node:crypto'
import type { LeafTemplate, Template, Workflow } from 'dflow-ts'
import { templateDigest, templateFieldDigests, type TemplateParts } from './template-digest.ts'

/**
 * What a workflow value is, as digests — the manifest of the value: one per template (a leaf template's is THE
 * template digest, `template-digest.ts`, which the cache and Argo's memoize keys use too: its script and
 * command, image, env, inputs and outputs, a function OP's bundle digest, its shipped packages' contents; a
 * sub-workflow's is of its steps and wiring), each function OP's bundle digest, and one for the workflow
 * around them (its steps, arguments, parameters, exit handler). Recorded in a run folder (`restart.json`) so
 * that a restart can tell whether the value it is given is the one that ran, and say what changed. Where a
 * step runs (resources, a batch queue or machine) and how it is retried are not in it: changing them is no
 * change of what the run computes.
 *
 * @example
 * ```ts
 * const id = workflowIdentity(wf, leafParts)
 * id.templates.duplicate // 'sha256:…'
 * id.bundles.plus1       // 'sha256:…' (a function OP's)
 * id.digest              // 'sha256:…' — of everything
 * ```
 */
export interface WorkflowIdentity {
  /** The digest of the whole value. */
  readonly digest: string
  /** The digest of the workflow without its templates' contents (its steps, their wiring, parameters). */
  readonly structure: string
  /** Each template's digest, by name. */
  readonly templates: Readonly<Record<string, string>>
  /** Each function OP's bundle digest, by template name. */
  readonly bundles: Readonly<Record<string, string>>
  /** Each leaf template's fields' short digests (`script`, `image`, `bundle`, …), by template name: what changed, when one did. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, string>>>>
}

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`

const isTemplate = (v: unknown): v is Template => {
  const tag = (v as { _tag?: unknown } | null)?._tag
  return tag === 'ScriptTemplate' || tag === 'FnTemplate' || tag === 'Subflow'
}

/** An io-ts codec (what params and artifacts are decoded with): named, not walked (it is made of functions). */
const isCodec = (v: object): boolean => typeof (v as { validate?: unknown }).validate === 'function' && typeof (v as { encode?: unknown }).encode === 'function'

/**
 * Canonical JSON of a part of a workflow value: keys sorted, templates inside it named (their contents are
 * digested apart, once each: a recursive template names itself), codecs by their name, functions by their
 * source text.
 */
const canonical = (root: unknown, seen: (t: Template) => void): string => {
  const walk = (v: unknown, top: boolean): unknown => {
    if (typeof v === 'function') return { fn: String(v) }
    if (v instanceof RegExp) return { re: String(v) }
    if (typeof v === 'bigint') return { bigint: String(v) }
    if (v === undefined) return null
    if (typeof v !== 'object' || v === null) return v
    if (!top && isTemplate(v)) return (seen(v), { template: v.name })
    if (isCodec(v)) return { codec: (v as { name?: string }).name ?? '?' }
    if (Array.isArray(v)) return v.map((x) => walk(x, false))
    const o = v as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, walk(o[k], false)]),
    )
  }
  return JSON.stringify(walk(root, true))
}

const sorted = <V>(r: Record<string, V>): Record<string, V> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

/**
 * The digests of a workflow value. `parts` reads what of a leaf template lives on disk (a function OP's bundle,
 * shipped packages: `leafParts` of lib/fn/leaf-parts.ts).
 *
 * @example
 * ```ts
 * workflowIdentity(wf, leafParts).templates.plus1 // 'sha256:…'
 * ```
 */
export const workflowIdentity = (wf: Workflow<any>, parts: (t: LeafTemplate) => TemplateParts): WorkflowIdentity => {
  const templates: Record<string, string> = {}
  const bundles: Record<string, string> = {}
  const fields: Record<string, Record<string, string>> = {}
  const pending: Template[] = []
  const seen = (t: Template) => {
    if (!(t.name in templates)) (templates[t.name] = ''), pending.push(t)
  }
  const structure = sha(canonical(wf, seen))
  while (pending.length) {
    const t = pending.pop()!
    if (t._tag === 'Subflow') templates[t.name] = sha(canonical(t, seen))
    else {
      const p = parts(t)
      templates[t.name] = templateDigest(t, p)
      fields[t.name] = templateFieldDigests(t, p)
      if (p.bundle !== undefined) bundles[t.name] = p.bundle
    }
  }
  const all = sorted(templates)
  return { digest: sha(JSON.stringify({ structure, templates: all })), structure, templates: all, bundles: sorted(bundles), fields: sorted(fields) }
}

/** Which fields of a leaf template changed, as `: its script and image`; nothing when it cannot be told. */
const changedFields = (was: Readonly<Record<string, string>> | undefined, now: Readonly<Record<string, string>> | undefined): string => {
  if (!was || !now) return ''
  const names = Object.keys(now).filter((k) => was[k] !== now[k])
  return names.length ? `: its ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}` : ''
}

/**
 * What differs between the identity a run recorded and the value at hand, one line per change (none: the same
 * value).
 *
 * @example
 * ```ts
 * identityChanges(recorded, workflowIdentity(changed, leafParts)) // ['template "plus1" changed: its script']
 * ```
 */
export const identityChanges = (was: WorkflowIdentity, now: WorkflowIdentity): readonly string[] => {
  if (was.digest === now.digest) return []
  const out: string[] = []
  for (const [name, d] of Object.entries(now.templates)) {
    if (!(name in was.templates)) out.push(`template "${name}" is new`)
    else if (was.templates[name] !== d) out.push(`template "${name}" changed${changedFields(was.fields?.[name], now.fields[name])}`)
  }
  for (const name of Object.keys(was.templates)) if (!(name in now.templates)) out.push(`template "${name}" is gone`)
  if (was.structure !== now.structure) out.push("the workflow's steps, their arguments or its parameters changed")
  return out
}

/** The names of the templates whose digest differs (or that are new). @example changedTemplates(was, now) // Set { 'plus1' } */
export const changedTemplates = (was: WorkflowIdentity, now: WorkflowIdentity): ReadonlySet<string> =>
  new Set(Object.entries(now.templates).flatMap(([name, d]) => (was.templates[name] === d ? [] : [name])))
