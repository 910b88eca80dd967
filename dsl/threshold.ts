import type { SuccessThreshold } from './node.ts'
import { problem, type Problem } from './problem.ts'

/**
 * How many of `total` children must succeed under a threshold (the larger of the two when both are set;
 * all of them without one). dflow rounds a ratio up the same way: 0.6 of 5 needs 3.
 *
 * @example
 * ```ts
 * requiredSuccesses({ continueOnSuccessRatio: 0.6 }, 5) // 3
 * requiredSuccesses({ continueOnNumSuccess: 2 }, 5)     // 2
 * requiredSuccesses(undefined, 5)                       // 5
 * ```
 */
export const requiredSuccesses = (t: SuccessThreshold | undefined, total: number): number => {
  if (!t || (t.continueOnNumSuccess === undefined && t.continueOnSuccessRatio === undefined)) return total
  const byRatio = t.continueOnSuccessRatio !== undefined ? Math.ceil(t.continueOnSuccessRatio * total - 1e-9) : 0
  return Math.max(byRatio, t.continueOnNumSuccess ?? 0)
}

/** Problems with the threshold of a `par` (or any node carrying one). @example thresholdProblems(par.withOptions({ continueOnSuccessRatio: 2 })(a), ['wf']) // one problem */
export const thresholdProblems = (p: { readonly threshold?: SuccessThreshold }, path: readonly string[]): Problem[] => {
  const t = p.threshold
  if (!t) return []
  const out: Problem[] = []
  if (t.continueOnSuccessRatio !== undefined && !(t.continueOnSuccessRatio >= 0 && t.continueOnSuccessRatio <= 1))
    out.push(problem([...path, 'continueOnSuccessRatio'], `continueOnSuccessRatio must be between 0 and 1, got ${t.continueOnSuccessRatio}`))
  if (t.continueOnNumSuccess !== undefined && !(Number.isInteger(t.continueOnNumSuccess) && t.continueOnNumSuccess >= 0))
    out.push(problem([...path, 'continueOnNumSuccess'], `continueOnNumSuccess must be a whole number >= 0, got ${t.continueOnNumSuccess}`))
  return out
}
