import { createHash } from 'node:crypto'
import type { FnTemplate, Template, Workflow } from 'dflow-ts'

/**
 * What a workflow value is, as digests: one per template (a script's text and command, its image, env,
 * resources, retry and timeout, its inputs and outputs with their codecs; a function OP's body and its
 * module's content, its shipped packages; a sub-workflow's steps and wiring) and one for the workflow around
 * them (its steps, arguments, parameters, exit handler). Recorded in a run folder (`restart.json`) so that a
 * restart can tell whether the value it is given is the one that ran, and say what changed.
 *
 * @example
 * ```ts
 * const id = workflowIdentity(wf)
 * id.templates.duplicate // 'sha256:…'
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

/**
 * The digests of a workflow value. A function OP's module file is read (its content is part of what the OP
 * computes; a module that cannot be read counts by its URL alone).
 *
 * @example
 * ```ts
 * workflowIdentity(wf).templates.plus1 // 'sha256:…'
 * ```
 */
export const workflowIdentity = (wf: Workflow<any>, moduleText: (t: FnTemplate) => string = () => ''): WorkflowIdentity => {
  const templates: Record<string, string> = {}
  const pending: Template[] = []
  const seen = (t: Template) => {
    if (!(t.name in templates)) (templates[t.name] = ''), pending.push(t)
  }
  const structure = sha(canonical(wf, seen))
  while (pending.length) {
    const t = pending.pop()!
    const extra = t._tag === 'FnTemplate' ? moduleText(t) : ''
    templates[t.name] = sha(`${canonical(t, seen)}\n${extra}`)
  }
  const sorted = Object.fromEntries(Object.entries(templates).sort(([a], [b]) => a.localeCompare(b)))
  return { digest: sha(JSON.stringify({ structure, templates: sorted })), structure, templates: sorted }
}

/**
 * What differs between the identity a run recorded and the value at hand, one line per change (none: the same
 * value).
 *
 * @example
 * ```ts
 * identityChanges(recorded, workflowIdentity(changed)) // ['template "plus1" changed']
 * ```
 */
export const identityChanges = (was: WorkflowIdentity, now: WorkflowIdentity): readonly string[] => {
  if (was.digest === now.digest) return []
  const out: string[] = []
  for (const [name, d] of Object.entries(now.templates)) {
    if (!(name in was.templates)) out.push(`template "${name}" is new`)
    else if (was.templates[name] !== d) out.push(`template "${name}" changed`)
  }
  for (const name of Object.keys(was.templates)) if (!(name in now.templates)) out.push(`template "${name}" is gone`)
  if (was.structure !== now.structure) out.push("the workflow's steps, their arguments or its parameters changed")
  return out
}

/** The names of the templates whose digest differs (or that are new). @example changedTemplates(was, now) // Set { 'plus1' } */
export const changedTemplates = (was: WorkflowIdentity, now: WorkflowIdentity): ReadonlySet<string> =>
  new Set(Object.entries(now.templates).flatMap(([name, d]) => (was.templates[name] === d ? [] : [name])))
