/**
 * The two statistics the bench reports: the median of repeated wall times, and the marginal cost per
 * step between two sizes of the same workload (fixed costs such as process start-up cancel out).
 *
 * @example
 * ```ts
 * median([3, 1, 2])                  // 2
 * marginal({ n: 50, ms: 80 }, { n: 100, ms: 130 }) // 1 (ms per step)
 * ```
 */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** A median wall time at one size. @example const p: SizePoint = { n: 50, ms: 80 } */
export interface SizePoint {
  readonly n: number
  readonly ms: number
}

/** (t_big - t_small) / (n_big - n_small), in ms per step. @example marginal({ n: 50, ms: 80 }, { n: 100, ms: 130 }) // 1 */
export const marginal = (small: SizePoint, big: SizePoint): number => (big.ms - small.ms) / (big.n - small.n)
