import { join } from 'node:path'
import type { Workflow } from '../dsl/index.ts'
import { chainWorkflow } from './dflow-ts.ts'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

interface LocalRun {
  readonly status: string
  readonly step: (name: string) => { readonly outputs: Readonly<Record<string, unknown>>; readonly record: { readonly reused?: { readonly from: string } } }
}
/** The slice of `lib/local` this bench uses (loaded by the caller). */
export type CacheLocal = (c: { runsDir: string; parallelism: number; store?: unknown }) => { run: (wf: Workflow, o?: { cache?: boolean; runId?: string }) => Promise<LocalRun> }
type FolderStore = (dir: string) => unknown

/**
 * The cache workload of `npm run bench`: W1 (a chain of the trivial `inc` step) at two sizes on the local
 * interpreter, three ways per repetition in one fresh folder — uncached (a trivial step's cost), cached and
 * missing (the step runs and its entry is written), cached and hitting (every step from the cache, nothing
 * run) — without a store (entries in RUNS_DIR/.cache, artifacts hashed) and with a folder store. Costs are
 * marginal (ms per step between the two sizes, so start-up cancels). Target: a hit per step costs at most a
 * trivial step.
 *
 * @example
 * ```ts
 * await cacheBench(root, 5, false, local, folderStore)
 * ```
 */
export const cacheBench = async (root: string, reps: number, quick: boolean, local: CacheLocal, folderStore: FolderStore): Promise<boolean> => {
  const sizes = quick ? ([5, 20] as const) : ([20, 100] as const)
  const ways = ['trivial step (no cache)', 'cache miss (runs, writes the entry)', 'cache hit'] as const
  const stores = ['no store', 'folder store'] as const
  const times = new Map<string, number[]>()
  const add = (k: string, ms: number) => times.set(k, [...(times.get(k) ?? []), ms])
  const timed = async (runsDir: string, store: unknown, wf: Workflow, n: number, cache: boolean, id: string, hit: boolean): Promise<number> => {
    const t0 = performance.now()
    const run = await local({ runsDir, parallelism: 2, ...(store ? { store } : {}) }).run(wf, { cache, runId: id })
    const ms = performance.now() - t0
    if (run.status !== 'Succeeded' || run.step(`s${n}`).outputs['y'] !== n) throw new Error(`cache bench: ${id} ended ${run.status}`)
    if (hit && run.step(`s${n}`).record.reused?.from !== 'cache') throw new Error(`cache bench: ${id} did not hit the cache`)
    return ms
  }
  for (let rep = 0; rep <= reps; rep++) {
    // repetition 0 warms up (module loading, JIT, disk caches) and is not counted
    for (const where of stores)
      for (const n of sizes) {
        const dir = freshDir(root, 'cache')
        try {
          const runsDir = join(dir, 'runs')
          const store = where === 'folder store' ? folderStore(join(dir, 'store')) : undefined
          const wf = chainWorkflow(n)
          const t = [await timed(runsDir, store, wf, n, false, 'plain', false), await timed(runsDir, store, wf, n, true, 'miss', false), await timed(runsDir, store, wf, n, true, 'hit', true)]
          if (rep > 0) ways.forEach((w, i) => add(`${where}|${w}|${n}`, t[i]!))
        } finally {
          dropDir(dir)
        }
      }
  }
  const cost = (where: string, w: string) => marginal({ n: sizes[0], ms: median(times.get(`${where}|${w}|${sizes[0]}`)!) }, { n: sizes[1], ms: median(times.get(`${where}|${w}|${sizes[1]}`)!) })
  const rows: string[][] = [['store', 'way', `t(${sizes[0]})`, `t(${sizes[1]})`, 'ms/step']]
  for (const where of stores) for (const w of ways) rows.push([where, w, fmt(median(times.get(`${where}|${w}|${sizes[0]}`)!), 0), fmt(median(times.get(`${where}|${w}|${sizes[1]}`)!), 0), fmt(cost(where, w))])
  console.log(`\ncache: W1 (chain of the trivial inc step) on the local interpreter, parallelism 2, ${reps} repetition(s) (bench/cache.ts)\n${table(rows)}`)
  let met = true
  for (const where of stores) {
    const hit = cost(where, 'cache hit')
    const trivial = cost(where, 'trivial step (no cache)')
    const ok = hit <= trivial
    met &&= ok
    console.log(`  target (${where}): a cache hit per step <= a trivial step (${fmt(hit)} vs ${fmt(trivial)} ms/step): ${ok ? 'MET' : 'NOT MET'}`)
  }
  return met
}
