import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The two workloads of the foundation issue and the one trivial command every runner executes, so that
 * the comparison is fair: read one integer, add one, write it.
 *
 * - W1, a chain: step k (1..n) reads `s{k-1}.out` and writes `s{k}.out`; `s0.out` (holding 0) is seeded by
 *   the harness, so `s{n}.out` ends up holding n.
 * - W2, a fan-out: n independent steps, step k writes k+1 to `w{k}.out`; then one join reads all of them.
 *
 * @example
 * ```ts
 * chainCommand(3) // 'read x < s2.out; echo $((x + 1)) > s3.out'
 * fanCommand(7)   // 'echo $((7 + 1)) > w7.out'
 * ```
 */
export type WorkloadId = 'W1' | 'W2'

/** A workload and the sizes it is run at. @example WORKLOADS[0].sizes // [50, 100] */
export interface Workload {
  readonly id: WorkloadId
  readonly title: string
  /** Small and big size: the difference of their wall times gives the marginal cost per step. */
  readonly sizes: readonly [number, number]
  /** dflow's (Python) debug mode, ms per step, as published in the issue. */
  readonly dflowPublished: number
}

/** The workloads at the sizes, or small ones for a smoke test. @example workloads(false)[1].sizes // [250, 500] */
export const workloads = (quick: boolean): readonly Workload[] => [
  { id: 'W1', title: 'W1: chain, each step reads the previous output', sizes: quick ? [10, 20] : [50, 100], dflowPublished: 100 },
  { id: 'W2', title: 'W2: fan-out of independent steps + one join reading all', sizes: quick ? [20, 40] : [250, 500], dflowPublished: 480 },
]

/** The shell command of chain step k (k >= 1). @example chainCommand(1) // 'read x < s0.out; echo $((x + 1)) > s1.out' */
export const chainCommand = (k: number): string => `read x < s${k - 1}.out; echo $((x + 1)) > s${k}.out`

/** The shell command of fan-out step k (k >= 0). @example fanCommand(0) // 'echo $((0 + 1)) > w0.out' */
export const fanCommand = (k: number): string => `echo $((${k} + 1)) > w${k}.out`

/** The output files of a fan-out of n steps, in order. @example fanOutputs(2) // ['w0.out', 'w1.out'] */
export const fanOutputs = (n: number): string[] => Array.from({ length: n }, (_, k) => `w${k}.out`)

/** The join command of a fan-out of n steps. @example joinCommand(2) // 'cat w0.out w1.out > join.out' */
export const joinCommand = (n: number): string => `cat ${fanOutputs(n).join(' ')} > join.out`

/** Writes what a workload needs before it starts (W1's `s0.out`). @example seed('W1', dir) */
export const seed = (w: WorkloadId, dir: string): void => {
  if (w === 'W1') writeFileSync(join(dir, 's0.out'), '0\n')
}

/**
 * Checks the files a file-based runner left in `dir`; throws when they are wrong.
 *
 * @example
 * ```ts
 * checkFiles('W1', 100, dir) // s100.out holds 100
 * checkFiles('W2', 500, dir) // join.out holds 1..500, one per line
 * ```
 */
export const checkFiles = (w: WorkloadId, n: number, dir: string): void => {
  const file = w === 'W1' ? `s${n}.out` : 'join.out'
  const got = readFileSync(join(dir, file), 'utf8').trim()
  const want = w === 'W1' ? String(n) : Array.from({ length: n }, (_, k) => k + 1).join('\n')
  if (got !== want) throw new Error(`${w} n=${n}: ${file} holds ${JSON.stringify(got.slice(0, 60))}, expected ${JSON.stringify(want.slice(0, 60))}`)
}
