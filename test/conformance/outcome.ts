import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Run, StepView } from 'dflow-ts/local'
import { sha256File, treeDigest, walkTree } from '../../lib/storage/digest.ts'

/**
 * What one step of a run amounts to, for comparing interpreters: its phase, its decoded parameter outputs,
 * its artifact outputs by content digest (never by path: each interpreter keeps them elsewhere), how many
 * times it was tried, and its exit code.
 */
export interface StepOutcome {
  readonly phase: string
  readonly type: string
  readonly outputs: Readonly<Record<string, unknown>>
  readonly artifacts: Readonly<Record<string, string | null>>
  readonly attempts: number
  readonly exitCode: number | undefined
}

/** A run's status and each step's outcome by its user-visible id (`outer.inner`, `print(0)`). */
export interface Outcome {
  readonly status: string
  readonly steps: Readonly<Record<string, StepOutcome>>
}

/** A file's sha256, or a folder's tree digest (names, bytes and execute bits only). */
const contentDigest = async (path: string): Promise<string> =>
  (await stat(path)).isDirectory() ? treeDigest(await walkTree(path)) : `sha256:${await sha256File(path)}`

/**
 * The local path of an artifact output as a step view gives it: a path today, a location with `.path` (the
 * folder store) or `download(dir)` (any store) once artifacts are locations.
 */
const digestOf = async (v: unknown): Promise<string | null> => {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return contentDigest(v)
  const at = v as { readonly path?: string; readonly download?: (dir: string) => Promise<string> }
  if (typeof at.path === 'string') return contentDigest(at.path)
  if (typeof at.download === 'function') {
    const dir = await mkdtemp(join(tmpdir(), 'dflow-outcome-'))
    try {
      return await contentDigest(await at.download(dir))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  throw new Error(`an artifact output that is neither a path nor a location: ${JSON.stringify(v)}`)
}

/**
 * How another interpreter's run is read as the reference's: `id` maps a step's id to the reference's
 * (`undefined`: a level of its own, not compared); `decode` decodes an output parameter's wire text (say,
 * with the codec the reference declared) instead of the run's own decoding.
 */
export interface OutcomeOptions {
  readonly id?: (id: string) => string | undefined
  readonly decode?: (id: string, name: string, wire: string) => unknown
  /** The name an output parameter is compared under (the importer's `result` is the DSL's stdout output). */
  readonly rename?: (id: string, name: string) => string
}

const stepOutcome = async (id: string, s: StepView, o: OutcomeOptions): Promise<StepOutcome> => {
  const artifactNames = new Set(Object.keys(s.record.outputs.artifacts))
  const outputs: Record<string, unknown> = {}
  const artifacts: Record<string, string | null> = {}
  for (const [name, v] of Object.entries(s.outputs)) {
    const wire = s.record.outputs.parameters[name]
    const as = o.rename ? o.rename(id, name) : name
    if (artifactNames.has(name)) artifacts[name] = await digestOf(v)
    else outputs[as] = o.decode && wire !== undefined ? o.decode(id, as, wire) : v
  }
  return { phase: s.phase, type: s.type, outputs, artifacts, attempts: Math.max(1, s.attempts.length), exitCode: s.exitCode }
}

/**
 * The outcome of a finished run, for comparing it with the same workflow on another interpreter or with
 * other settings.
 *
 * @example
 * ```ts
 * assert.equal(await outcomeOf(await local({ parallelism: 1 }).run(wf)), await outcomeOf(await local().run(wf)))
 * await outcomeOf(importedRun, { id: argoPathToLocal(wf, manifest, templates) }) // read as the DSL names steps
 * ```
 */
export const outcomeOf = async (run: Run, o: OutcomeOptions = {}): Promise<Outcome> => {
  const steps: Record<string, StepOutcome> = {}
  const ids = run.steps().flatMap((s) => {
    const id = o.id ? o.id(s.id) : s.id
    return id === undefined ? [] : [[id, s] as const]
  })
  for (const [id, s] of ids.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (id in steps) throw new Error(`two steps of the run read as ${id}`)
    steps[id] = await stepOutcome(id, s, o)
  }
  return { status: run.status, steps }
}
