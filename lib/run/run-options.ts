/** Options of a run, and its default id. */
import type { ArtifactLocation } from '../storage/location.ts'

/**
 * Options of one run, on any interpreter that runs on this machine's engine (local, dispatcher).
 *
 * @example
 * ```ts
 * const options: RunOptions = { parameters: { message: 'hi' }, runId: 'hello-1' }
 * await local().run(wf, options) // or dispatcher({ batch: 'slurm' }).run(wf, options)
 * ```
 */
export interface RunOptions {
  /** Values of the workflow's parameters (decoded by their codecs; strings are taken as wire values). */
  readonly parameters?: Readonly<Record<string, unknown>>
  /** Stops the run: running steps are terminated (their whole process trees) and the run ends Failed. */
  readonly signal?: AbortSignal
  /** The run folder's name. Default: `<workflow name>-<date>-<time>-<random>`. */
  readonly runId?: string
  /**
   * Values of the workflow's artifacts (`workflow(name, body, { artifacts })`): a location in a store (what
   * `upload` returns, or `parseRef(REF)`) — read with the run's store when that store holds it, else with
   * the store it names, opened from the environment as `openStore` does — or a path on this machine
   * (relative to `baseDir`), read in place. A required artifact not given is refused before anything runs.
   */
  readonly artifacts?: Readonly<Record<string, ArtifactLocation | string>>
}

/**
 * A new run's id: `<workflow name>-<date>-<time>-<random>` (local time).
 *
 * @example
 * ```ts
 * newRunId('steps') // 'steps-20261125-104512-3f9a'
 * ```
 */
export const newRunId = (name: string): string => `${name}-${stamp()}-${Math.random().toString(16).slice(2, 6)}`

const stamp = () => {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

