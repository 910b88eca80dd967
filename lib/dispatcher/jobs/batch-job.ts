import { posix } from 'node:path'
import type { BatchJob } from '../batch/types.ts'
import { groupCommand, type CallInJob } from './group-command.ts'
import type { JobShape } from './types.ts'

/** A call as a job carries it: where and what it runs, and its timeout. @example { dir: '/w/a', files: '/w/a/dflow-1', command: 'true', timeoutSeconds: 30 } */
export type TimedCall = CallInJob & { readonly timeoutSeconds?: number }

/**
 * The time a group of calls may take, in ms: the longest timeout times the rounds `parallel` at a time make;
 * undefined when no call has a timeout.
 *
 * @example
 * ```ts
 * budgetMs([{ timeoutSeconds: 10 }, { timeoutSeconds: 5 }, {}], 2) // 20000
 * ```
 */
export const budgetMs = (calls: readonly { readonly timeoutSeconds?: number }[], parallel: number): number | undefined => {
  const t = calls.map((c) => c.timeoutSeconds).filter((x): x is number => x !== undefined)
  return t.length === 0 ? undefined : Math.max(...t) * 1000 * Math.ceil(calls.length / parallel)
}

/**
 * The batch job that runs groups of calls (one group, or one per element of an array): named `name`, in
 * `root/name`, with the shape's resources and a walltime — the shape's own, else the longest group's budget
 * plus `graceSeconds` (the driver cancels at the budget; the scheduler's walltime is the backstop).
 *
 * @example
 * ```ts
 * batchJobOf({ name: 'dfabc', root: '/scratch/jobs', groups: [[{ dir: '/w/a', files: '/w/a/dflow-1', command: 'true' }]], parallel: 1, array: false }).workDir
 * // '/scratch/jobs/dfabc'
 * ```
 */
export const batchJobOf = (o: {
  readonly name: string
  readonly root: string
  readonly groups: readonly (readonly TimedCall[])[]
  readonly shape?: JobShape
  readonly parallel: number
  readonly array: boolean
  readonly graceSeconds?: number
}): BatchJob => {
  const shape = o.shape ?? {}
  const budget = Math.max(0, ...o.groups.map((g) => budgetMs(g, o.parallel) ?? 0))
  const walltime = shape.resources?.walltimeSeconds ?? (budget > 0 ? Math.ceil(budget / 1000) + (o.graceSeconds ?? 60) : undefined)
  return {
    ...shape,
    name: o.name,
    workDir: posix.join(o.root, o.name),
    ...(shape.resources || walltime ? { resources: { ...shape.resources, ...(walltime ? { walltimeSeconds: walltime } : {}) } } : {}),
    ...(o.array ? { array: o.groups.length } : {}),
    command: groupCommand(o.groups, o.parallel),
  }
}
