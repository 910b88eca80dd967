import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hasProgram, runProgram } from './lib/exec.ts'
import type { Runner } from './runner.ts'
import { checkFiles, seed, type WorkloadId } from './workloads.ts'

/**
 * The Snakefile of a workload, written idiomatically with wildcard rules; the shell commands are the
 * shared ones (`{input}`, `{output}` and `{wildcards.k}` expand to the same file names and numbers).
 *
 * @example
 * ```ts
 * snakefile('W2', 500) // rule all -> join.out; rule join: cat {input} > {output}; rule w: echo $(({wildcards.k} + 1)) > {output}
 * ```
 */
export const snakefile = (w: WorkloadId, n: number): string =>
  w === 'W1'
    ? `rule all:
    input: "s${n}.out"

rule s:
    input: lambda wc: "s%d.out" % (int(wc.k) - 1)
    output: "s{k}.out"
    wildcard_constraints: k="[1-9][0-9]*"
    shell: "read x < {input}; echo $((x + 1)) > {output}"
`
    : `rule all:
    input: "join.out"

rule join:
    input: expand("w{k}.out", k=range(${n}))
    output: "join.out"
    shell: "cat {input} > {output}"

rule w:
    output: "w{k}.out"
    wildcard_constraints: k="[0-9]+"
    shell: "echo $(({wildcards.k} + 1)) > {output}"
`

/**
 * Snakemake (Debian's package) with `--cores 2 --scheduler greedy -q`.
 *
 * @example
 * ```ts
 * await snakemake.probe() // undefined, or 'not installed (apt-get install snakemake)'
 * ```
 */
export const snakemake: Runner = {
  name: 'snakemake',
  published: '2-5',
  probe: async () => ((await hasProgram('snakemake')) ? undefined : 'not installed (apt-get install snakemake)'),
  prepare: async (w, n, dir) => {
    seed(w, dir)
    writeFileSync(join(dir, 'Snakefile'), snakefile(w, n))
    return {
      go: () => runProgram('snakemake', ['--cores', '2', '--scheduler', 'greedy', '-q', '-s', 'Snakefile'], dir),
      check: async () => checkFiles(w, n, dir),
    }
  },
}
