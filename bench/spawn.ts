import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Runner } from './runner.ts'
import { chainCommand, checkFiles, fanCommand, joinCommand, layerCommand, seed, sleepCommand, W4_STEPS, type WorkloadId } from './workloads.ts'

/** A stage of the loop: its commands run with at most `width` at once. */
interface Stage {
  readonly width: number
  readonly commands: readonly string[]
}

const LOOP = fileURLToPath(new URL('./lib/spawn-loop.mjs', import.meta.url))

/** The same work as the other runners, as stages of `/bin/sh -c` commands. @example stagesOf('W1', 2) // [{ width: 1, commands: [chainCommand(1)] }, { width: 1, commands: [chainCommand(2)] }] */
const stagesOf = (w: WorkloadId, n: number): Stage[] => {
  const range = (count: number, from = 0) => Array.from({ length: count }, (_, k) => k + from)
  switch (w) {
    case 'W1':
      return range(n, 1).map((k) => ({ width: 1, commands: [chainCommand(k)] }))
    case 'W2':
      return [{ width: 2, commands: range(n).map(fanCommand) }, { width: 1, commands: [joinCommand(n)] }]
    case 'W3':
      return range(n / 4, 1).map((l) => ({ width: 2, commands: range(4).map((j) => layerCommand(l, j)) }))
    case 'W4':
      return [{ width: n, commands: range(W4_STEPS).map(sleepCommand) }]
  }
}

/**
 * The floor of a Node driver: a bare Node process (no tsx, no project code: bench/lib/spawn-loop.mjs)
 * spawning the same `/bin/sh -c` commands, one after another for the chain, two at a time for the
 * fan-out and the layers, with no bookkeeping at all. It runs apart from the bench process, so that its
 * forks neither cost what forking a large process costs nor slow down the runner measured after it.
 *
 * @example
 * ```ts
 * const p = await spawnFloor.prepare('W1', 100, dir); await p.go() // 100 sequential sh -c
 * ```
 */
export const spawnFloor: Runner = {
  name: 'node spawn (floor)',
  probe: async () => undefined,
  version: async () => `node ${process.version}`,
  prepare: async (w, n, dir) => {
    seed(w, dir)
    // Started before the clock: the timed part is the loop itself (and one IPC message each way).
    const child = spawn(process.execPath, [LOOP], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    await new Promise((resolve, reject) => child.once('message', resolve).once('error', reject))
    const stages = stagesOf(w, n)
    return {
      go: () =>
        new Promise<void>((resolve, reject) => {
          child.once('message', (m: { done?: true; error?: string }) => (m.done ? resolve() : reject(new Error(m.error))))
          child.send({ dir, stages })
        }).finally(() => child.kill()),
      check: async () => checkFiles(w, n, dir),
    }
  },
}
