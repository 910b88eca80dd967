/** Something with the attempts a step made, as the run view gives them. */
type Attempted = { readonly attempts: readonly { readonly startedAt?: string; readonly finishedAt?: string }[] }

const ms = (iso: string | undefined) => Date.parse(iso ?? '')

/**
 * The waits, in seconds, between a step's attempts: from each attempt's end to the next one's start (what a
 * retry's backoff should make).
 *
 * @example
 * ```ts
 * backoffGaps(run.step('retry')) // [0.31, 0.62] for a backoff of duration 0.3, factor 2
 * ```
 */
export const backoffGaps = (s: Attempted): readonly number[] =>
  s.attempts.slice(1).map((a, i) => (ms(a.startedAt) - ms(s.attempts[i]!.finishedAt)) / 1000)
