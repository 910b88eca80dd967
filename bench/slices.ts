import { join } from 'node:path'
import { forEach, groupedTemplateOf, slice, step, workflow, type Step, type Workflow } from '../dsl/index.ts'
import { stackSlices } from '../lib/engine/slice.ts'
import { floorInc, sliceInc } from './slice-ops.ts'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

interface LocalRun {
  readonly status: string
  readonly message?: string
  readonly step: (name: string) => { readonly outputs: Readonly<Record<string, unknown>> }
}
type Local = (c: { runsDir: string; parallelism: number }) => { run: (wf: Workflow) => Promise<LocalRun> }

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/** n slices of the trivial fn body, groupSize 100. @example grouped(10_000) // 100 calls */
export const grouped = (n: number): Workflow => workflow('bench-slices', slice({ x: range(n) }, (s) => step('inc', sliceInc, { x: s.x }), { groupSize: 100 }))
/** The same work as a forEach of n calls. @example fanned(10_000) // 10,000 calls */
export const fanned = (n: number): Workflow => workflow('bench-slices-fan', forEach(range(n), (x) => step('inc', sliceInc, { x })))
/** The floor: one call doing the per-slice work n times. @example floor(10_000) */
export const floor = (n: number): Workflow => workflow('bench-slices-floor', step('floor', floorInc, { xs: range(n) }))

/**
 * The slices bench of `npm run bench` (BENCH_RUNNERS=slices): 10,000 slices of a trivial fn body with
 * groupSize 100 (100 calls), beside the same work as a forEach of 10,000 calls and the floor (one call whose
 * body does the per-slice work 10,000 times); c, the marginal per-call cost of a fn fan-out, is measured in
 * the same run from forEach fan-outs of 1,000 and 10,000 calls. Target: T ≤ 2·T_floor + 100·c. Then the cost
 * of stacking the slices' outputs (`stackSlices`, the engine's part) at 1,000 and 10,000 slices: linear
 * when the cost per slice stays the same. BENCH_QUICK: 1,000 slices (groupSize 100: 10 calls) and
 * fan-outs of 100 and 1,000.
 *
 * @example
 * ```ts
 * await slicesBench(root, 1, false, local)
 * ```
 */
export const slicesBench = async (root: string, reps: number, quick: boolean, local: Local): Promise<boolean> => {
  const N = quick ? 1_000 : 10_000
  const small = N / 10
  const once = async (wf: Workflow, check: (r: LocalRun) => boolean): Promise<number> => {
    const dir = freshDir(root, 'slices')
    try {
      const t0 = performance.now()
      const run = await local({ runsDir: join(dir, 'runs'), parallelism: 2 }).run(wf)
      const ms = performance.now() - t0
      if (run.status !== 'Succeeded' || !check(run)) throw new Error(`${wf.name}: ${run.status} ${run.message ?? ''}`)
      return ms
    } finally {
      dropDir(dir)
    }
  }
  const last = (name: string, want: number) => (r: LocalRun) => {
    const ys = r.step(name).outputs['y'] as number[]
    return ys.length === want && ys[want - 1] === want
  }
  const cases = {
    grouped: [grouped(N), last('inc', N)],
    fanSmall: [fanned(small), last('inc', small)],
    fanBig: [fanned(N), last('inc', N)],
    floor: [floor(N), (r: LocalRun) => r.step('floor').outputs['n'] === N],
  } as const
  const ms: Record<keyof typeof cases, number[]> = { grouped: [], fanSmall: [], fanBig: [], floor: [] }
  await once(floor(10), () => true) // warm-up: workers, module loading
  for (let i = 0; i < reps; i++) for (const [k, [wf, check]] of Object.entries(cases)) ms[k as keyof typeof cases].push(await once(wf, check))
  const T = median(ms.grouped)
  const floorMs = median(ms.floor)
  const c = marginal({ n: small, ms: median(ms.fanSmall) }, { n: N, ms: median(ms.fanBig) })
  const bound = 2 * floorMs + (N / 100) * c
  const met = T <= bound
  // Stacking: the engine's fold of the groups' reports into one list per output, at 1k and 10k slices.
  const g = groupedTemplateOf((grouped(100).body as Step).template)!
  const reportsFor = (n: number) =>
    range(n / 100).map((k) => ({ dflow_slices: { kind: 'param' as const, wire: JSON.stringify(range(100).map((j) => ({ index: k * 100 + j, phase: 'Succeeded', outputs: { y: String(k * 100 + j + 1) } }))) } }))
  const stackMs = (n: number): number => {
    const calls = reportsFor(n)
    const times: number[] = []
    for (let i = 0; i < Math.max(5, reps); i++) {
      const t0 = performance.now()
      stackSlices(g, calls)
      times.push(performance.now() - t0)
    }
    return median(times)
  }
  // Warm-up: the JIT compiles the fold on both sizes before either is timed, so the first timed size is not
  // the one that pays for compilation (which made 1k look dearer per slice than 10k).
  stackMs(10_000)
  stackMs(1_000)
  const s1 = stackMs(1_000)
  const s10 = stackMs(10_000)
  const perSlice = (ms: number, n: number) => (ms / n) * 1000
  console.log(`\nslices: ${N.toLocaleString('en')} slices of a trivial fn body (x + 1), local interpreter, parallelism 2, ${reps} repetition(s) (bench/slices.ts)
${table([
  ['case', 'calls', 'median ms'],
  ['slice, groupSize 100 (T)', String(N / 100), fmt(T, 0)],
  [`forEach of ${N.toLocaleString('en')} calls`, String(N), fmt(median(ms.fanBig), 0)],
  [`forEach of ${small.toLocaleString('en')} calls`, String(small), fmt(median(ms.fanSmall), 0)],
  ['floor: one call, the work n times (T_floor)', '1', fmt(floorMs, 0)],
])}
  c = marginal per-call cost of a fn fan-out (forEach ${small.toLocaleString('en')} → ${N.toLocaleString('en')}) = ${fmt(c)} ms
  target T <= 2·T_floor + ${N / 100}·c: ${fmt(T, 0)} <= ${fmt(bound, 0)} ms: ${met ? 'MET' : 'NOT MET'}
  stacking (stackSlices): ${fmt(s1, 2)} ms at 1,000 slices (${fmt(perSlice(s1, 1_000), 2)} µs/slice), ${fmt(s10, 2)} ms at 10,000 (${fmt(perSlice(s10, 10_000), 2)} µs/slice): ${fmt(s10 / s1, 1)}x for 10x the slices`)
  return met
}
