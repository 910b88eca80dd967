/** Options of a run, and its default id. */

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

