import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hasProgram, programVersion, runProgram } from './lib/exec.ts'
import type { Runner } from './runner.ts'
import { chainCommand, checkFiles, fanCommand, fanOutputs, joinCommand, layerCommand, layerFiles, seed, sleepCommand, W4_STEPS, type WorkloadId } from './workloads.ts'

/** `$` doubled so that make passes `$((…))` to the shell. */
const recipe = (cmd: string): string => `\t${cmd.replaceAll('$', () => '$$')}\n`

/**
 * The Makefile of a workload: one explicit rule per step, exactly the shared commands.
 *
 * @example
 * ```ts
 * makefile('W1', 2)
 * // all: s2.out
 * // s1.out: s0.out
 * // 	read x < s0.out; echo $$((x + 1)) > s1.out
 * // ...
 * ```
 */
export const makefile = (w: WorkloadId, n: number): string => {
  const ks = Array.from({ length: n }, (_, i) => i)
  if (w === 'W3') {
    const layers = Array.from({ length: n / 4 }, (_, i) => i + 1)
    return `all: ${layerFiles(n / 4).join(' ')}\n.PHONY: all\n` + layers.flatMap((l) => [0, 1, 2, 3].map((j) => `l${l}-${j}.out: ${layerFiles(l - 1).join(' ')}\n${recipe(layerCommand(l, j))}`)).join('')
  }
  if (w === 'W4') {
    const zs = Array.from({ length: W4_STEPS }, (_, k) => k)
    return `all: ${zs.map((k) => `z${k}.out`).join(' ')}\n.PHONY: all\n` + zs.map((k) => `z${k}.out:\n${recipe(sleepCommand(k))}`).join('')
  }
  if (w === 'W1')
    return `all: s${n}.out\n.PHONY: all\n` + ks.map((i) => `s${i + 1}.out: s${i}.out\n${recipe(chainCommand(i + 1))}`).join('')
  return (
    `all: join.out\n.PHONY: all\njoin.out: ${fanOutputs(n).join(' ')}\n${recipe(joinCommand(n))}` +
    ks.map((k) => `w${k}.out:\n${recipe(fanCommand(k))}`).join('')
  )
}

/**
 * GNU make with `-j2` (W4: `-jN`): the lean baseline (each recipe is one `/bin/sh -c`).
 *
 * @example
 * ```ts
 * const p = await make.prepare('W2', 500, dir); await p.go(); await p.check()
 * ```
 */
export const make: Runner = {
  name: 'make -j2',
  probe: async () => ((await hasProgram('make')) ? undefined : 'not installed; run `bash scripts/bench-peers.sh` as root'),
  version: () => programVersion('make'),
  prepare: async (w, n, dir) => {
    seed(w, dir)
    writeFileSync(join(dir, 'Makefile'), makefile(w, n))
    return {
      go: () => runProgram('make', [w === 'W4' ? `-j${n}` : '-j2', '-s'], dir),
      check: async () => checkFiles(w, n, dir),
    }
  },
}
