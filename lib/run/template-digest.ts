import { createHash } from 'node:crypto'
import type { HoleValue, IoSpec, LeafTemplate, Scalar, ScriptTemplate } from 'dflow-ts'

/**
 * What of a leaf template lives outside the value, on disk, as digests: a function OP's bundle
 * (`lib/fn/leaf-parts.ts` reads it) and the content of each shipped package folder, in the template's order.
 *
 * @example
 * ```ts
 * const parts: TemplateParts = { bundle: 'sha256:9f86…', packages: ['sha256:3b1f…'] }
 * ```
 */
export interface TemplateParts {
  /** A function OP's bundle digest (what its module and everything it imports are). */
  readonly bundle?: string
  /** Each shipped package folder's content digest. */
  readonly packages: readonly string[]
}

/** The version of the digest's recipe: a change of what goes into it changes this, and so every digest. */
const RECIPE = 'dflow-template/1'

/**
 * Plain JSON of a value, object keys sorted (two equal values give one text), a codec by its name, functions
 * left out.
 *
 * @example
 * ```ts
 * canonicalData({ b: 1, a: t.number }) // { a: { codec: 'number' }, b: 1 }
 * ```
 */
export const canonicalData = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonicalData)
  if (typeof v === 'function' || v === undefined) return undefined
  if (typeof v !== 'object' || v === null) return v
  const o = v as Record<string, unknown>
  if (typeof o['decode'] === 'function' && typeof o['name'] === 'string') return { codec: o['name'] }
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .flatMap((k) => {
        const c = canonicalData(o[k])
        return c === undefined ? [] : [[k, c]]
      }),
  )
}

/** What one hole of a script is, apart from any call: a literal as it is, a reference by what it names, a context variable by its name. */
const holeOf = (v: HoleValue): unknown => {
  if (Array.isArray(v)) return v.map((x: Scalar) => holeOf(x))
  if (typeof v !== 'object' || v === null) return v
  const o = v as { _tag: string; name?: string; text?: string; kind?: string; source?: { kind: string } }
  switch (o._tag) {
    case 'Raw':
      return { raw: o.text }
    case 'ContextVar':
      return { context: o.name }
    case 'OutputPath':
      return { output: o.name, kind: o.kind }
    default:
      return { ref: o._tag, name: o.name, source: o.source?.kind }
  }
}

/**
 * What a leaf template computes, as canonical plain data — the document {@link templateDigest} hashes, field by
 * field: `script` (its language and text, holes by what they name), `command`, `image`, `env`, `inputs`,
 * `outputs` (names, codecs, paths, defaults), `bundle` (a function OP's, with the name of its function),
 * `packages` (their content) and `job` (what a batch job loads and runs around the step: `batch.modules`, `env`,
 * `pre`, `post`). Not in it: the template's name (but a function OP's function name), and where or how it runs —
 * resources, node selectors, tolerations, the batch system, partition or queue, nodes, walltime, the machine,
 * retries, timeouts, labels, `cache`.
 *
 * @example
 * ```ts
 * templateManifest(hello, { packages: [] })
 * // { kind: 'script', script: { lang: 'sh', segments: ['echo hi'] }, command: ['sh'], image: null, env: {}, inputs: {}, outputs: {}, packages: [] }
 * ```
 */
export const templateManifest = (t: LeafTemplate, parts: TemplateParts): Readonly<Record<string, unknown>> => {
  const common = {
    image: t.image ?? null,
    env: canonicalData(t.env ?? {}),
    inputs: canonicalData(t.inputs as IoSpec),
    outputs: canonicalData(t.outputs as IoSpec),
    packages: parts.packages,
    // what a batch job sets up before it runs the step (its modules, environment, pre and post scripts); not its system, partition or queue, nodes, walltime
    ...(t.batch && (t.batch.modules || t.batch.env || t.batch.pre || t.batch.post) ? { job: canonicalData({ modules: t.batch.modules, env: t.batch.env, pre: t.batch.pre, post: t.batch.post }) } : {}),
  }
  if (t._tag === 'FnTemplate') return { kind: 'fn', bundle: { digest: parts.bundle ?? null, function: t.name }, ...common }
  const s = t as ScriptTemplate
  const segments = s.source.segments.map((g) => (g._tag === 'Text' ? g.text : { hole: holeOf(g.value), context: g.context }))
  return { kind: 'script', script: { lang: s.source.lang, segments }, command: s.command, ...common }
}

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`

/**
 * THE digest of a leaf template, `sha256:<hex>`, of what it computes ({@link templateManifest}): one function
 * that the cache (a call's identity), restart (a run's recorded identity) and Argo's memoize keys all use, so
 * that they agree on when a template is the same. A change of the script's text, the command, image, env,
 * declared inputs or outputs, a function OP's bundle or a shipped package changes it; where the step runs (a
 * queue, partition or machine, resources, retries) does not.
 *
 * @example
 * ```ts
 * templateDigest(hello, { packages: [] })                      // 'sha256:3b1f…'
 * templateDigest({ ...hello, batch: { queue: 'gpu' } }, parts) // the same
 * ```
 */
export const templateDigest = (t: LeafTemplate, parts: TemplateParts): string => sha(JSON.stringify({ recipe: RECIPE, template: templateManifest(t, parts) }))

/**
 * The digest of each field of {@link templateManifest} (short: 16 hex), so that a changed template can be
 * said to have changed its script, its image, its bundle…
 *
 * @example
 * ```ts
 * templateFieldDigests(hello, { packages: [] }).script // '9f86d081884c7d65'
 * ```
 */
export const templateFieldDigests = (t: LeafTemplate, parts: TemplateParts): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(templateManifest(t, parts)).map(([k, v]) => [k, sha(JSON.stringify(v)).slice(7, 23)]))
