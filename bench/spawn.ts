import { runProgram } from './lib/exec.ts'
import type { Runner } from './runner.ts'
import { chainCommand, checkFiles, fanCommand, joinCommand, layerCommand, seed, sleepCommand, W4_STEPS } from './workloads.ts'

const sh = (cmd: string, dir: string): Promise<void> => runProgram('/bin/sh', ['-c', cmd], dir, { quiet: true })

/** Runs `count` jobs with at most `width` at once. @example await pool(500, 2, (k) => sh(fanCommand(k), dir)) */
const pool = async (count: number, width: number, job: (k: number) => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++)
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker))
}

/**
 * A bare Node loop spawning the same `/bin/sh -c` commands from this (bench) process, one after another for the
 * chain and two at a time for the fan-out, with no bookkeeping at all. Each spawn forks this large Node
 * process, which is what dflow-ts's launcher avoids; this loop is the cost of a Node driver that does not.
 *
 * @example
 * ```ts
 * const p = await spawnFloor.prepare('W1', 100, dir); await p.go() // 100 sequential sh -c
 * ```
 */
export const spawnFloor: Runner = {
  name: 'node spawn loop',
  published: '1-1.4',
  probe: async () => undefined,
  prepare: async (w, n, dir) => {
    seed(w, dir)
    return {
      go: async () => {
        if (w === 'W1') for (let k = 1; k <= n; k++) await sh(chainCommand(k), dir)
        else if (w === 'W3') for (let l = 1; l <= n / 4; l++) await pool(4, 2, (j) => sh(layerCommand(l, j), dir))
        else if (w === 'W4') await pool(W4_STEPS, n, (k) => sh(sleepCommand(k), dir))
        else {
          await pool(n, 2, (k) => sh(fanCommand(k), dir))
          await sh(joinCommand(n), dir)
        }
      },
      check: async () => checkFiles(w, n, dir),
    }
  },
}
