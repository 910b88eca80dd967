import { join } from 'node:path'
import { par, seq, step, workflow, type Step, type Workflow } from '../dsl/index.ts'
import { incFn } from './fn-op.ts'
import { median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

/** A chain of n fn steps, each fed the previous output. @example fnChain(20) // s20.y = 20 */
export const fnChain = (n: number): Workflow => {
  const steps: Step<typeof incFn>[] = []
  for (let k = 1; k <= n; k++) steps.push(step(`s${k}`, incFn, { x: steps[k - 2]?.outputs.y ?? 0 }))
  return workflow('bench-fn-chain', seq(...steps))
}

/** A fan-out of n independent fn steps. @example fnFan(100) // w99.y = 100 */
export const fnFan = (n: number): Workflow => workflow('bench-fn-fan', par(...Array.from({ length: n }, (_, k) => step(`w${k}`, incFn, { x: k }))))

interface LocalRun {
  readonly status: string
  readonly step: (name: string) => { readonly outputs: Readonly<Record<string, unknown>> }
}
type Local = (c: { runsDir: string; parallelism: number }) => { run: (wf: Workflow) => Promise<LocalRun> }

/**
 * Python dflow's figures for the same two workloads, and where they come from: the fastest of three runs of
 * dflow 1.8.129's debug mode (commit 8d2693202dab; `OP.function` x + 1 in a `PythonOPTemplate`, fanned out
 * with `with_param` (then a shell join); `debug_pool_workers` 2; Debian's python3 3.11.2; driven by `bench/dflow-py/driver.py`)
 * on the 2-core development machine, shared with other jobs, 2026-12-01: a chain of 20 at 820 ms per step
 * (the three runs: 0.82, 1.37, 0.95 s), a fan-out of 100 in 72 s (76, 72, 108 s). With `DFLOW_SRC` set,
 * `npm run bench` measures dflow beside dflow-ts itself, at smaller sizes (README, Benchmarks).
 *
 * @example
 * ```ts
 * DFLOW_PYTHON_OP.chainMsPerStep / 3 // the speed-up of a 3 ms step
 * ```
 */
export const DFLOW_PYTHON_OP = {
  chainMsPerStep: 820,
  fan100Ms: 72_000,
  source: 'dflow 1.8.129 debug mode, fastest of 3 runs, 2-core machine, 2026-12-01',
} as const

/**
 * The fn workload of `npm run bench`: a trivial function OP in a chain of 20 and a fan-out of 100 on the
 * local interpreter (parallelism 2), timed cold (the first run in this process, starting its workers) and
 * warm (median of `reps` more), beside dflow's figures (`DFLOW_PYTHON_OP`, with their source). Target: at
 * least 10x faster on both.
 *
 * @example
 * ```ts
 * await fnBench(root, 5, local)
 * ```
 */
export const fnBench = async (root: string, reps: number, local: Local): Promise<boolean> => {
  const once = async (wf: Workflow, last: string, want: number): Promise<number> => {
    const dir = freshDir(root, 'fn')
    try {
      const t0 = performance.now()
      const run = await local({ runsDir: join(dir, 'runs'), parallelism: 2 }).run(wf)
      const ms = performance.now() - t0
      if (run.status !== 'Succeeded' || run.step(last).outputs['y'] !== want) throw new Error(`${wf.name}: ${run.status}, ${last}.y = ${String(run.step(last).outputs['y'])}`)
      return ms
    } finally {
      dropDir(dir)
    }
  }
  const chain = fnChain(20)
  const fan = fnFan(100)
  const coldChain = await once(chain, 's20', 20)
  const coldFan = await once(fan, 'w99', 100)
  const chainMs: number[] = []
  const fanMs: number[] = []
  for (let i = 0; i < reps; i++) {
    chainMs.push(await once(chain, 's20', 20))
    fanMs.push(await once(fan, 'w99', 100))
  }
  const perStep = median(chainMs) / 20
  const fanTotal = median(fanMs)
  const { chainMsPerStep: dChain, fan100Ms: dFan, source } = DFLOW_PYTHON_OP
  console.log(`\nfn: a trivial typed function OP (x + 1) on the local interpreter, parallelism 2; dflow = ${source} (bench/fn-workload.ts)
${table([
  ['workload', 'cold ms (first run)', 'warm ms (median)', 'per step', 'dflow (Python OP)', 'speed-up (warm)', 'speed-up (cold)'],
  ['chain of 20', fmt(coldChain, 0), fmt(median(chainMs), 0), `${fmt(perStep)} ms`, `${dChain} ms/step`, `${fmt(dChain / perStep, 0)}x`, `${fmt(dChain / (coldChain / 20), 0)}x`],
  ['fan-out of 100', fmt(coldFan, 0), fmt(fanTotal, 0), `${fmt(fanTotal / 100)} ms`, `${dFan / 1000} s in all`, `${fmt(dFan / fanTotal, 0)}x`, `${fmt(dFan / coldFan, 0)}x`],
])}`)
  const met = dChain / perStep >= 10 && dFan / fanTotal >= 10
  console.log(`  target (>= 10x faster than dflow on both, warm): ${met ? 'MET' : 'NOT MET'}`)
  return met
}
