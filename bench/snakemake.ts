import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hasProgram, programVersion, runProgram } from './lib/exec.ts'
import type { Runner } from './runner.ts'
import { checkFiles, layerFiles, seed, SLEEP_S, W4_STEPS, type WorkloadId } from './workloads.ts'

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
  w === 'W3'
    ? `rule all:
    input: ${JSON.stringify(layerFiles(n / 4)).slice(1, -1)}

rule l:
    input: lambda wc: ["l%d-%d.out" % (int(wc.L) - 1, i) for i in range(4)]
    output: "l{L}-{j}.out"
    wildcard_constraints: L="[1-9][0-9]*", j="[0-3]"
    shell: "read a < {input[0]}; read b < {input[1]}; read c < {input[2]}; read d < {input[3]}; echo $(((a + b + c + d) / 4 + 1)) > {output}"
`
    : w === 'W4'
      ? `rule all:
    input: expand("z{k}.out", k=range(${W4_STEPS}))

rule z:
    output: "z{k}.out"
    wildcard_constraints: k="[0-9]+"
    shell: "sleep ${SLEEP_S}; echo done > {output}"
`
      : w === 'W1'
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
 * await snakemake.probe() // undefined, or 'not installed; run `bash scripts/bench-peers.sh` as root'
 * ```
 */
export const snakemake: Runner = {
  name: 'snakemake',
  probe: async () => ((await hasProgram('snakemake')) ? undefined : 'not installed; run `bash scripts/bench-peers.sh` as root'),
  version: async () => `snakemake ${await programVersion('snakemake')}`,
  prepare: async (w, n, dir) => {
    seed(w, dir)
    writeFileSync(join(dir, 'Snakefile'), snakefile(w, n))
    return {
      go: () => runProgram('snakemake', ['--cores', w === 'W4' ? String(n) : '2', '--scheduler', 'greedy', '-q', '-s', 'Snakefile'], dir),
      check: async () => checkFiles(w, n, dir),
    }
  },
}
