/**
 * One memory measurement of the scale lines, in a process of its own (started by `bench/scale.ts` with
 * `node --conditions=source --expose-gc`): runs one shape at one size on the local interpreter (parallelism 2) and prints, as
 * one JSON line, the driver's heap at its largest, measured after a forced GC at several moments — when
 * the second call starts, when a quarter, half and three quarters of the calls have finished, and once
 * the run has returned (its `Run` value held) — less the heap before the run.
 *
 * Usage: node --conditions=source --expose-gc --import tsx bench/scale-memory.ts SHAPE N RUNS_DIR
 *
 * @example
 * ```sh
 * node --conditions=source --expose-gc --import tsx bench/scale-memory.ts fan 1000 /tmp/x   # {"shape":"fan","n":1000,"peakBytes":…}
 * ```
 */
import { scaleShapes, type ScaleShape } from './scale-workloads.ts'

interface LocalRun {
  readonly status: string
  readonly step: (id: string) => { readonly outputs: Readonly<Record<string, unknown>> }
}
interface StepEvent {
  readonly type: string
  readonly step?: { readonly type: string; readonly phase: string }
}
type Local = (c: { runsDir: string; parallelism: number; onEvent: (e: StepEvent) => void }) => { run: (wf: unknown) => Promise<LocalRun> }

const [shape, size, runsDir] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc || !shape || !size || !runsDir) throw new Error('usage: node --conditions=source --expose-gc --import tsx bench/scale-memory.ts SHAPE N RUNS_DIR')
const heap = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
const { local } = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Local }
const c = scaleShapes[shape as ScaleShape](Number(size))
const marks = new Set([Math.floor(c.calls / 4), Math.floor(c.calls / 2), Math.floor((3 * c.calls) / 4)])
let started = 0
let finished = 0
let peak = 0
const before = heap()
const sample = (): void => {
  peak = Math.max(peak, heap() - before)
}
const run = await local({
  runsDir,
  parallelism: 2,
  onEvent: (e) => {
    if (e.type !== 'step' || e.step?.type !== 'Pod') return
    if (e.step.phase === 'Running' && ++started === 2) sample()
    if (e.step.phase === 'Succeeded' && marks.has(++finished)) sample()
  },
}).run(c.wf)
sample()
const got = run.step(c.check.id).outputs[c.check.out]
if (run.status !== 'Succeeded' || got !== c.check.value) throw new Error(`${shape} n=${size}: ${run.status}, ${c.check.id}.${c.check.out} = ${JSON.stringify(got)}, expected ${JSON.stringify(c.check.value)}`)
console.log(JSON.stringify({ shape, n: Number(size), peakBytes: peak }))
