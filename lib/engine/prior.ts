/**
 * The seam for "a step that need not run": before the engine hands a leaf call to its executor, it asks the
 * run's {@link Prior} whether the call's outcome is known already — recorded by an earlier driver of this run
 * (a restart), by another run (reuse), or in a cache. A settled call is not run: its record and outputs are
 * taken as they are, and the run carries on as if the call had just succeeded.
 *
 * A prior may also say that an earlier driver of the run started the call and never recorded its end (it was
 * in flight when that driver died): the call runs again, and the executor is told so
 * ({@link LeafCall.earlier}), so that it can reattach to a batch job still queued or running, or clear what the
 * earlier attempt left in a local step folder.
 *
 * Several priors are tried in turn with {@link firstPrior} (restart first, then reuse, then a cache).
 *
 * A composite call (a sub-workflow: Argo's steps or dag template) has a prior of its own, {@link CompositePrior}:
 * asked before its body runs (a settled call runs none of its steps), and given its outputs when it succeeds.
 *
 * @example
 * ```ts
 * const prior: Prior = (call) => (call.key === 'iter-0' ? { settled: { record, outputs, append: true } } : undefined)
 * await runWorkflow(wf, { ...given, prior })
 * ```
 *
 * @module
 */
import type { Subflow } from 'dflow-ts'
import type { AttemptRecord, IoRecord, StepRecord } from '../run/records.ts'
import type { LeafCall } from './executor.ts'
import type { Outputs, Value } from './values.ts'

/**
 * A leaf call as a prior is asked about it: the call the executor would get (no attempt yet), the record
 * fields the engine has for it, and its inputs as they would be recorded.
 *
 * @example
 * ```ts
 * const q: PriorQuery = { call, inputs: { parameters: { iter: '0' }, values: { iter: 0 }, artifacts: {} }, base: { id: 'iter.plus1', name: 'plus1', parent: 'iter', type: 'Pod', template: 'plus1', key: 'iter-0' } }
 * ```
 */
export interface PriorQuery {
  readonly call: Omit<LeafCall, 'attempt'>
  /** The call's inputs as its record keeps them. */
  readonly inputs: IoRecord
  /** The record fields the engine has made for the call (id, name, parent, type, template, key, script). */
  readonly base: Omit<StepRecord, 'phase' | 'inputs' | 'outputs'>
}

/**
 * A call that need not run: the record that stands for it (final, `Succeeded`) and its outputs as siblings read
 * them. `append`: whether the record must be written to the run's journal (a reused or cached step is new to
 * this run; a step an earlier driver of the same run recorded is there already).
 *
 * @example
 * ```ts
 * const s: Settled = { record: { ...base, phase: 'Succeeded', inputs, outputs: io }, outputs: { iter: { kind: 'param', wire: '1' } }, append: true }
 * ```
 */
export interface Settled {
  readonly record: StepRecord
  readonly outputs: Outputs
  readonly append: boolean
}

/**
 * What an earlier driver of the run left of a call it started and never recorded the end of: its recorded
 * start and the attempts it recorded as ended. Given to the executor as {@link LeafCall.earlier}.
 *
 * @example
 * ```ts
 * const e: EarlierAttempt = { startedAt: '2026-12-01T10:00:00.000Z', attempts: [] }
 * ```
 */
export interface EarlierAttempt {
  readonly startedAt?: string
  readonly attempts: readonly AttemptRecord[]
}

/**
 * What a prior knows of a call: settled (do not run it), or in flight under an earlier driver (run it again,
 * telling the executor); undefined when it knows nothing (run it).
 *
 * @example
 * ```ts
 * const k: PriorKnowledge = { earlier: { attempts: [] } }
 * ```
 */
export type PriorKnowledge = { readonly settled: Settled } | { readonly earlier: EarlierAttempt }

/**
 * Looks a leaf call up before it runs (synchronously, or asynchronously for a lookup that reads files or
 * hashes content).
 *
 * @example
 * ```ts
 * const none: Prior = () => undefined
 * ```
 */
export type Prior = (q: PriorQuery) => PriorKnowledge | undefined | Promise<PriorKnowledge | undefined>

/**
 * The first prior that knows something of a call settles it; `earlier` from one (a restart) is kept while the
 * next are asked whether the call is settled after all (reused, cached).
 *
 * @example
 * ```ts
 * const prior = firstPrior([restartPrior, reusePrior, cachePrior])
 * ```
 */
export const firstPrior = (priors: readonly (Prior | undefined)[]): Prior | undefined => {
  const given = priors.filter((p): p is Prior => p !== undefined)
  if (given.length <= 1) return given[0]
  return async (q) => {
    let earlier: PriorKnowledge | undefined
    for (const p of given) {
      const k = await p(q)
      if (k && 'settled' in k) return k
      earlier ??= k
    }
    return earlier
  }
}

/**
 * A composite call (a sub-workflow) as a {@link CompositePrior} is asked about it: the template, its inputs
 * (resolved, and as its record keeps them), the workflow's parameters and the record fields the engine has.
 *
 * @example
 * ```ts
 * const q: CompositeQuery = { runId: 'wf-1', stepId: 'main.fib', template, inputs: { n: { kind: 'param', wire: '3' } }, parameters: {}, record: inputsRecord, base }
 * ```
 */
export interface CompositeQuery {
  readonly runId: string
  readonly stepId: string
  readonly template: Subflow
  readonly inputs: Readonly<Record<string, Value>>
  readonly parameters: Readonly<Record<string, Value>>
  /** The call's inputs as its record keeps them. */
  readonly record: IoRecord
  readonly base: Omit<StepRecord, 'phase' | 'inputs' | 'outputs'>
}

/**
 * Settles composite calls (Argo's memoize on a steps or dag template): `settle` is asked before the body
 * runs and gives the call's outputs when they are known — the call is then recorded Succeeded with them and
 * none of its steps runs (Argo's cache-hit node has no children); `save` is given the outputs of a call that
 * succeeded (a failed call is never given). A `save` that throws makes the call an Error with its message.
 *
 * @example
 * ```ts
 * const cache = new Map<string, Outputs>()
 * const memo: CompositePrior = { settle: (q) => cache.get(q.template.name), save: (q, outputs) => void cache.set(q.template.name, outputs) }
 * ```
 */
export interface CompositePrior {
  readonly settle: (q: CompositeQuery) => Outputs | undefined | Promise<Outputs | undefined>
  readonly save: (q: CompositeQuery, outputs: Outputs) => void | Promise<void>
}
