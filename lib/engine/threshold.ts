import type { Outcome } from './interpret.ts'

/**
 * How a group whose members all ran to their end fares under a success threshold: it succeeds when at
 * least `need` members succeeded cleanly, else fails saying how many did. A `par` with a threshold uses it;
 * a fan-out (`forEach`) with the same options can too, with one outcome per item.
 *
 * @example
 * ```ts
 * thresholdOutcome([ok, ok, ok, failed, failed], 3) // { ok: true, clean: false }
 * thresholdOutcome([ok, ok, failed, failed, failed], 3).failure // '2 of 5 succeeded, 3 needed; first failure: …'
 * ```
 */
export const thresholdOutcome = (outcomes: readonly Outcome[], need: number): Outcome => {
  const succeeded = outcomes.filter((o) => o.ok && o.clean).length
  if (succeeded >= need) return { ok: true, clean: succeeded === outcomes.length }
  const first = outcomes.find((o) => o.failure)?.failure
  return { ok: false, clean: false, failure: `${succeeded} of ${outcomes.length} succeeded, ${need} needed${first ? `; first failure: ${first}` : ''}` }
}
