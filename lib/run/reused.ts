/**
 * Where a step's outputs came from when the step did not run: they were computed by an earlier call, and
 * taken as they were. `cache`: a call with the same content identity (lib/cache); `restart`: the same step of
 * this run, recorded Succeeded before the run stopped; `reuse`: a step of an earlier run chosen by key.
 * The engine copies it from the executor's `LeafResult.reused` into the step's record; `dflow steps` shows it.
 *
 * @example
 * ```json
 * { "from": "cache", "run": "steps-20261201-101500-3f9a", "step": "hello1", "key": "_cache/duplicate/5f0c…" }
 * ```
 */
export interface Reused {
  readonly from: 'cache' | 'restart' | 'reuse'
  /** The run whose call computed the outputs. */
  readonly run: string
  /** That call's step id in its run. */
  readonly step: string
  /** For `cache`: the entry's key in the store. */
  readonly key?: string
}
