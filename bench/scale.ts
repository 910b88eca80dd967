import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validate, type Workflow } from '../dsl/index.ts'
import { scaleShapes, type ScaleShape } from './scale-workloads.ts'
import { median } from './lib/stats.ts'
import { overall } from './lib/verdict.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

interface LocalRun {
  readonly status: string
  readonly step: (id: string) => { readonly outputs: Readonly<Record<string, unknown>> }
}
type Local = (c: { runsDir: string; parallelism: number }) => { run: (wf: Workflow) => Promise<LocalRun> }
type Compile = (wf: Workflow) => unknown

/** Target of both scale lines: the cost at the big size at most 1.5x that at the small one (per node), or that of a chain step (per call). */
const TARGET = 1.5
const verdict = (ratio: number | undefined): string => (ratio === undefined || Number.isNaN(ratio) ? 'n/a' : ratio <= TARGET ? 'MET' : 'NOT MET')

const MEMORY_CHILD = fileURLToPath(new URL('./scale-memory.ts', import.meta.url))

/** One memory measurement, in a process of its own: the driver's peak heap after GC, bytes. */
const peakHeap = (root: string, shape: ScaleShape, n: number): number => {
  const dir = freshDir(root, `mem-${shape}`)
  try {
    const r = spawnSync(process.execPath, ['--conditions=source', '--expose-gc', '--import', 'tsx', MEMORY_CHILD, shape, String(n), join(dir, 'runs')], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (r.status !== 0) throw new Error(`memory of ${shape} n=${n}: exit ${r.status ?? r.signal}: ${r.stderr.trim().slice(-600)}`)
    return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { peakBytes: number }).peakBytes
  } finally {
    dropDir(dir)
  }
}

/**
 * The scale lines of `npm run bench` (items 10 and 11 of the correctness issue).
 *
 * Per-node cost at two sizes (1,000 and 10,000 nodes) of validating, compiling (to Argo) and running
 * (local, parallelism 2) a `dag` and a nested fan-out (see `scale-workloads.ts`): median over the
 * repetitions of time / n, and the ratio big / small, against the target of at most 1.5x — a pass that is
 * quadratic in its nodes shows as a ratio near 10.
 *
 * Driver memory: the heap at its largest after a forced GC (`bench/scale-memory.ts`, a process of its own
 * per measurement) for a chain of n steps and a fan-out of n calls, at the same two sizes; the marginal
 * bytes per call between them, and the fan-out's against the chain's, target at most 1.5x.
 *
 * @example
 * ```ts
 * await scaleBench(root, 3, false, local, compile) // prints both tables and MET / NOT MET per line
 * // alone: node --conditions=source --import tsx bench/scale.ts
 * ```
 */
export const scaleBench = async (root: string, reps: number, quick: boolean, local: Local, compile: Compile): Promise<boolean> => {
  const [small, big] = quick ? [100, 1000] : [1000, 10_000]
  const shapes = ['dag', 'nested'] as const
  const passes = ['validate', 'compile', 'run'] as const
  const perNode = new Map<string, number[]>() // `${shape}|${pass}|${n}` -> time / n, ms
  const failed = new Map<string, string>()
  const add = (k: string, v: number) => perNode.set(k, [...(perNode.get(k) ?? []), v])
  const timeRun = async (shape: ScaleShape, n: number): Promise<number> => {
    const c = scaleShapes[shape](n)
    const dir = freshDir(root, `scale-${shape}`)
    try {
      const t0 = performance.now()
      const run = await local({ runsDir: join(dir, 'runs'), parallelism: 2 }).run(c.wf)
      const ms = performance.now() - t0
      const got = run.status === 'Succeeded' ? run.step(c.check.id).outputs[c.check.out] : undefined
      if (got !== c.check.value) throw new Error(`${run.status}, ${c.check.id}.${c.check.out} = ${JSON.stringify(got)}, expected ${JSON.stringify(c.check.value)}`)
      return ms
    } finally {
      dropDir(dir)
    }
  }
  /** The median of three timings of a pure pass (one alone is at the mercy of a GC pause on a busy machine). */
  const timed = (f: () => unknown): number =>
    median(
      [0, 1, 2].map(() => {
        const t0 = performance.now()
        f()
        return performance.now() - t0
      }),
    )
  // Warm-up, untimed: module loading and JIT.
  for (const shape of shapes) {
    const c = scaleShapes[shape](small)
    timed(() => compile(c.wf))
    await timeRun(shape, 20).catch((e: unknown) => failed.set(`${shape}|run`, (e as Error).message))
  }
  const memory = new Map<string, number[]>() // `${shape}|${n}` -> peak heap, bytes
  for (let rep = 0; rep < reps; rep++) {
    process.stdout.write(`scale repetition ${rep + 1}/${reps} `)
    for (const n of [small, big]) {
      for (const shape of shapes) {
        const c = scaleShapes[shape](n)
        add(`${shape}|validate|${n}`, timed(() => validate(c.wf)) / n)
        add(`${shape}|compile|${n}`, timed(() => compile(c.wf)) / n)
        if (!failed.has(`${shape}|run`))
          await timeRun(shape, n).then(
            (ms) => add(`${shape}|run|${n}`, ms / n),
            (e: unknown) => failed.set(`${shape}|run`, `n=${n}: ${(e as Error).message}`),
          )
        process.stdout.write('.')
      }
      for (const shape of ['chain', 'fan'] as const) {
        if (failed.has(`${shape}|memory`)) continue
        try {
          memory.set(`${shape}|${n}`, [...(memory.get(`${shape}|${n}`) ?? []), peakHeap(root, shape, n)])
        } catch (e) {
          failed.set(`${shape}|memory`, (e as Error).message)
        }
        process.stdout.write('.')
      }
    }
    process.stdout.write('\n')
  }

  const outcomes: (boolean | undefined)[] = []
  const record = (v: string) => outcomes.push(v === 'MET' ? true : v === 'NOT MET' ? false : undefined)
  const unit = (pass: string) => (pass === 'run' ? 'ms' : 'us')
  const shown = (pass: string, ms: number | undefined) => (ms === undefined ? '-' : pass === 'run' ? fmt(ms) : fmt(ms * 1000))
  const rows: string[][] = [['shape', 'pass', `per node at ${small}`, `per node at ${big}`, 'per-rep ratios', `ratio ${big / 1000}k/${small >= 1000 ? `${small / 1000}k` : small}`, `target <= ${TARGET}x`]]
  for (const shape of shapes)
    for (const pass of passes) {
      const a = perNode.get(`${shape}|${pass}|${small}`)
      const b = perNode.get(`${shape}|${pass}|${big}`)
      const ratio = a?.length && b?.length ? median(b) / median(a) : undefined
      const perRep = a && b ? b.map((x, i) => fmt(x / a[i]!, 2)).join(' ') : '-'
      const v = failed.has(`${shape}|${pass}`) ? 'FAILED' : verdict(ratio)
      record(v)
      rows.push([shape, pass, `${shown(pass, a && median(a))} ${unit(pass)}`, `${shown(pass, b && median(b))} ${unit(pass)}`, perRep, ratio === undefined ? '-' : `${fmt(ratio)}x`, v])
    }
  console.log(`\nscale: per-node cost (median of ${reps}) of each pass over the tree at ${small} and ${big} nodes — dag: task k reads task k-4; nested: forEach of 10 outer items, each a forEach of n/10 (n leaf calls); run: local, parallelism 2
${table(rows)}`)

  const mem = (shape: string, n: number) => {
    const xs = memory.get(`${shape}|${n}`)
    return xs?.length ? median(xs) : undefined
  }
  const perCall = (shape: string) => {
    const a = mem(shape, small)
    const b = mem(shape, big)
    return a === undefined || b === undefined ? undefined : (b - a) / (big - small)
  }
  const chain = perCall('chain')
  const fan = perCall('fan')
  const ratio = chain === undefined || fan === undefined ? undefined : fan / chain
  const kb = (x: number | undefined) => (x === undefined ? '-' : fmt(x / 1024, 2))
  const mb = (x: number | undefined) => (x === undefined ? '-' : fmt(x / 1024 / 1024, 1))
  const memRows = [['shape', `peak heap at ${small}, MB`, `at ${big}, MB`, 'KB per call (marginal)', 'runs (MB at big)']]
  for (const shape of ['chain', 'fan'] as const)
    memRows.push([shape === 'chain' ? `chain of n steps` : `fan-out of n calls`, mb(mem(shape, small)), mb(mem(shape, big)), failed.has(`${shape}|memory`) ? 'FAILED' : kb(perCall(shape)), (memory.get(`${shape}|${big}`) ?? []).map(mb).join(' ')])
  const memVerdict = failed.has('chain|memory') || failed.has('fan|memory') ? 'FAILED' : verdict(ratio)
  record(memVerdict)
  console.log(`\nscale: driver memory — heap used after a forced GC at its largest during the run (a process of its own per measurement, median of ${reps}), less the heap before it; local, parallelism 2
${table(memRows)}
  fan-out call / chain step: ${ratio === undefined ? '-' : `${fmt(ratio)}x`} (target <= ${TARGET}x): ${memVerdict}`)
  for (const [k, msg] of failed) console.log(`  FAILED ${k.replace('|', ' ')}: ${msg}`)
  const line = overall(outcomes, [...failed.keys()].map((k) => `${k.replace('|', ' ')} FAILED`))
  console.log(`  scale targets: ${line}`)
  return line === 'MET'
}

// Run alone: `node --conditions=source --import tsx bench/scale.ts` (BENCH_REPS, default 3; BENCH_QUICK=1 for 100 and 1,000 nodes).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchRoot } = await import('./lib/temp.ts')
  const { local } = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Local }
  const { compile } = (await import(new URL('../lib/argo/index.ts', import.meta.url).href)) as { compile: Compile }
  const quick = process.env.BENCH_QUICK === '1'
  const ok = await scaleBench(benchRoot(), quick ? 1 : Math.max(1, Number(process.env.BENCH_REPS ?? 3) || 3), quick, local, compile)
  process.exitCode = ok ? 0 : 1
}
