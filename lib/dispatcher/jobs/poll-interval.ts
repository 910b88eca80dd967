/** How often the queue asks the scheduler: quick at first, then backing off. @example const p: PollInterval = { initialMs: 500, maxMs: 30_000, factor: 1.5 } */
export interface PollInterval {
  /** The first wait after a submission (and after every new one). */
  readonly initialMs: number
  /** The longest wait between two status queries. */
  readonly maxMs: number
  /** Each quiet poll multiplies the wait by this (≥ 1). */
  readonly factor: number
}

/** The defaults: 0.5 s, growing by half each poll, at most 30 s (DPDispatcher polls every 30 s). @example DEFAULT_POLL.maxMs // 30000 */
export const DEFAULT_POLL: PollInterval = { initialMs: 500, maxMs: 30_000, factor: 1.5 }

/**
 * The wait after a poll that waited `ms`: after a quiet poll, multiplied by the factor, at most the maximum;
 * after a poll that saw something change (a job started or ended, a call finished), the same wait again — jobs
 * are moving, and backing off then only delays seeing the rest of them end.
 *
 * @example
 * ```ts
 * nextInterval(500, DEFAULT_POLL) // 750
 * nextInterval(25_000, DEFAULT_POLL) // 30000
 * nextInterval(750, DEFAULT_POLL, true) // 750
 * ```
 */
export const nextInterval = (ms: number, p: PollInterval, changed = false): number =>
  Math.min(p.maxMs, Math.max(p.initialMs, changed ? ms : ms * p.factor))
