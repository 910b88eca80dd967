import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The workloads of the foundation issue and of the control-flow issue, and the one trivial command every
 * runner executes, so that the comparison is fair: read integers, add one, write it.
 *
 * - W1, a chain: step k (1..n) reads `s{k-1}.out` and writes `s{k}.out`; `s0.out` (holding 0) is seeded by
 *   the harness, so `s{n}.out` ends up holding n.
 * - W2, a fan-out: n independent steps, step k writes k+1 to `w{k}.out`; then one join reads all of them.
 * - W3, layers: n steps in n/4 layers of 4; each step of layer L reads all 4 outputs of layer L-1
 *   (`l{L-1}-{0..3}.out`, layer 0 seeded with 0) and writes their mean + 1, so the last layer holds n/4.
 * - W4, sleeps: 20 independent steps each sleeping (0.5 s), at parallelism n (2 and 20): the wall time
 *   is compared with the sleep bound ceil(20 / n) x 0.5 s.
 *
 * @example
 * ```ts
 * chainCommand(3) // 'read x < s2.out; echo $((x + 1)) > s3.out'
 * fanCommand(7)   // 'echo $((7 + 1)) > w7.out'
 * ```
 */
export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4'

/** A workload and the sizes it is run at. @example workloads(false)[0].sizes // [100, 200] */
export interface Workload {
  readonly id: WorkloadId
  readonly title: string
  /** Small and big size: the difference of their wall times gives the marginal cost per step. */
  readonly sizes: readonly [number, number]
  /** `marginal`: n is a number of steps, compared by marginal cost; `parallelism`: n is the parallelism (W4). */
  readonly kind: 'marginal' | 'parallelism'
}

/** The workloads at the sizes, or small ones for a smoke test. @example workloads(false)[1].sizes // [250, 500] */
export const workloads = (quick: boolean): readonly Workload[] => [
  { id: 'W1', title: 'W1: chain, each step reads the previous output', sizes: quick ? [10, 20] : [100, 200], kind: 'marginal' },
  { id: 'W2', title: 'W2: fan-out of independent steps + one join reading all', sizes: quick ? [20, 40] : [250, 500], kind: 'marginal' },
  { id: 'W3', title: 'W3: layers of 4 parallel steps, each reading all 4 outputs of the layer before (n steps = n/4 layers)', sizes: quick ? [20, 40] : [100, 200], kind: 'marginal' },
  { id: 'W4', title: `W4: ${W4_STEPS} steps sleeping ${SLEEP_S} s, at parallelism n (n = 2 and 20)`, sizes: [2, 20], kind: 'parallelism' },
]

/** How many steps W4 runs. @example W4_STEPS // 20 */
export const W4_STEPS = 20
/** How long each W4 step sleeps, in seconds. @example W4_STEPS * SLEEP_S // 10 */
export const SLEEP_S = 0.5

/** W4's sleep bound at a parallelism, ms. @example sleepBound(2) // 5000 */
export const sleepBound = (parallelism: number): number => Math.ceil(W4_STEPS / parallelism) * SLEEP_S * 1000

/** The files of W3's layer L. @example layerFiles(1) // ['l1-0.out', 'l1-1.out', 'l1-2.out', 'l1-3.out'] */
export const layerFiles = (layer: number): string[] => [0, 1, 2, 3].map((j) => `l${layer}-${j}.out`)

/** The command of W3's step j of layer L (L >= 1). @example layerCommand(1, 0) // 'read a < l0-0.out; …; echo $(((a + b + c + d) / 4 + 1)) > l1-0.out' */
export const layerCommand = (layer: number, j: number): string => {
  const [a, b, c, d] = layerFiles(layer - 1)
  return `read a < ${a}; read b < ${b}; read c < ${c}; read d < ${d}; echo $(((a + b + c + d) / 4 + 1)) > l${layer}-${j}.out`
}

/** The command of W4's step k. @example sleepCommand(3) // 'sleep 0.5; echo done > z3.out' */
export const sleepCommand = (k: number): string => `sleep ${SLEEP_S}; echo done > z${k}.out`

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
  if (w === 'W3') for (const f of layerFiles(0)) writeFileSync(join(dir, f), '0\n')
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
  if (w === 'W3' || w === 'W4') {
    const files = w === 'W3' ? layerFiles(n / 4) : Array.from({ length: W4_STEPS }, (_, k) => `z${k}.out`)
    const want = w === 'W3' ? String(n / 4) : 'done'
    for (const f of files) {
      const got = readFileSync(join(dir, f), 'utf8').trim()
      if (got !== want) throw new Error(`${w} n=${n}: ${f} holds ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
    }
    return
  }
  const file = w === 'W1' ? `s${n}.out` : 'join.out'
  const got = readFileSync(join(dir, file), 'utf8').trim()
  const want = w === 'W1' ? String(n) : Array.from({ length: n }, (_, k) => k + 1).join('\n')
  if (got !== want) throw new Error(`${w} n=${n}: ${file} holds ${JSON.stringify(got.slice(0, 60))}, expected ${JSON.stringify(want.slice(0, 60))}`)
}
