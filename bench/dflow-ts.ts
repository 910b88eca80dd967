import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dag, par, param, seq, sh, shell, step, t, workflow, type ParamRef, type ParamSpec, type Step, type Workflow } from '../dsl/index.ts'
import type { Runner } from './runner.ts'
import { SLEEP_S, W4_STEPS, type WorkloadId } from './workloads.ts'

/**
 * The slice of `lib/local` the bench uses, declared here so that `bench/` type-checks whether or not the
 * local interpreter is present in this checkout (it is loaded with a dynamic import).
 */
interface LocalRun {
  readonly status: string
  /** If the interpreter offers it: a finished step's decoded outputs. */
  readonly step?: (name: string) => { readonly outputs?: Readonly<Record<string, unknown>> } | undefined
}
interface LocalModule {
  readonly local: (config: { readonly runsDir: string; readonly parallelism: number }) => { readonly run: (wf: Workflow) => Promise<LocalRun> }
}

let loaded: Promise<LocalModule | string> | undefined
/** The local interpreter, or why it could not be loaded. */
const loadLocal = (): Promise<LocalModule | string> =>
  (loaded ??= import(new URL('../lib/local/index.ts', import.meta.url).href).then(
    (m: LocalModule) => (typeof m.local === 'function' ? m : 'dflow-ts local interpreter not available (lib/local exports no `local`)'),
    (e: unknown) =>
      (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND'
        ? 'dflow-ts local interpreter not available'
        : `dflow-ts local interpreter not available: ${(e as Error).message ?? String(e)}`,
  ))

/** The shared command as a template: the interpreter reads the previous output and passes it in as `x`. @example step('s1', inc, { x: 0 }) // y = 1 */
export const inc = shell({
  name: 'inc',
  inputs: { x: param(t.number) },
  outputs: { y: param(t.number, { path: 'y.txt' }) },
  script: ({ x }) => sh`echo $((${x} + 1)) > y.txt`,
})

/**
 * W1 as a workflow value: `seq` of n `inc` steps, step k fed by step k-1's output (the first by 0).
 *
 * @example
 * ```ts
 * chainWorkflow(3) // seq(s1(x=0), s2(x=s1.y), s3(x=s2.y)); s3.y = 3
 * ```
 */
export const chainWorkflow = (n: number): Workflow => {
  const steps: Step<typeof inc>[] = []
  for (let k = 1; k <= n; k++) steps.push(step(`s${k}`, inc, { x: steps[k - 2]?.outputs.y ?? 0 }))
  return workflow('bench-w1', seq(...steps))
}

/**
 * W2 as a workflow value: `par` of n `inc` steps (step k gets k), then a join whose template declares
 * one input per fan-out step (`i0`..`i{n-1}`, built programmatically: the DSL has no list inputs yet)
 * and echoes them all.
 *
 * @example
 * ```ts
 * fanWorkflow(2) // seq(par(w0(x=0), w1(x=1)), join(i0=w0.y, i1=w1.y)); join.all = '1 2'
 * ```
 */
export const fanWorkflow = (n: number): Workflow => {
  const fan = Array.from({ length: n }, (_, k) => step(`w${k}`, inc, { x: k }))
  const inputs: Record<string, ParamSpec<number, false>> = Object.fromEntries(fan.map((_, k) => [`i${k}`, param(t.number)]))
  const joinAll = shell({
    name: 'join',
    inputs,
    outputs: { all: param(t.string, { path: 'join.txt' }) },
    script: (refs) => sh`echo ${fan.map((_, k) => refs[`i${k}`]).filter((r): r is ParamRef<number> => r !== undefined)} > join.txt`,
  })
  const args: Record<string, ParamRef<number>> = Object.fromEntries(fan.map((s, k) => [`i${k}`, s.outputs.y]))
  return workflow('bench-w2', seq(par(...fan), step('join', joinAll, args)))
}

/** The W3 step: the mean of the four outputs of the layer before, plus one. */
const avg4 = shell({
  name: 'avg4',
  inputs: { a: param(t.number), b: param(t.number), c: param(t.number), d: param(t.number) },
  outputs: { y: param(t.number, { path: 'y.txt' }) },
  script: ({ a, b, c, d }) => sh`echo $(((${a} + ${b} + ${c} + ${d}) / 4 + 1)) > y.txt`,
})

/**
 * W3 as a workflow value: a `dag` of n/4 layers of 4 `avg4` steps, each fed by all four outputs of the
 * layer before (layer 1 by zeros); the references alone give the dependencies.
 *
 * @example
 * ```ts
 * layersWorkflow(8) // dag(l1-0..l1-3, l2-0..l2-3); l2-0.y = 2
 * ```
 */
export const layersWorkflow = (n: number): Workflow => {
  const layers: Step<typeof avg4>[][] = []
  for (let l = 1; l <= n / 4; l++) {
    const prev = layers[l - 2]
    const arg = (i: number) => prev?.[i]!.outputs.y ?? 0
    layers.push([0, 1, 2, 3].map((j) => step(`l${l}-${j}`, avg4, { a: arg(0), b: arg(1), c: arg(2), d: arg(3) })))
  }
  return workflow('bench-w3', dag(...layers.flat()))
}

const sleeper = shell({ name: 'sleeper', inputs: { s: param(t.number) }, script: ({ s }) => sh`sleep ${s}` })

/** W4 as a workflow value: 20 sleeping steps in parallel. @example sleepsWorkflow().body // par(z0 … z19) */
export const sleepsWorkflow = (): Workflow => workflow('bench-w4', par(...Array.from({ length: W4_STEPS }, (_, k) => step(`z${k}`, sleeper, { s: SLEEP_S }))))

const expected = (w: WorkloadId, n: number): { step: string; output: string; value: unknown } =>
  w === 'W1'
    ? { step: `s${n}`, output: 'y', value: n }
    : w === 'W3'
      ? { step: `l${n / 4}-0`, output: 'y', value: n / 4 }
      : w === 'W4'
        ? { step: 'z0', output: 'none', value: undefined }
        : { step: 'join', output: 'all', value: Array.from({ length: n }, (_, k) => k + 1).join(' ') }

/**
 * dflow-ts's local interpreter (`local({ runsDir, parallelism: 2 }).run(wf)`), run in this process; the
 * workflow value is built before the clock starts.
 *
 * @example
 * ```ts
 * await dflowTs.probe() // undefined, or 'dflow-ts local interpreter not available'
 * ```
 */
export const dflowTs: Runner = {
  name: 'dflow-ts local',
  version: async () => `dflow-ts ${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}, node ${process.version}`,
  probe: async () => {
    const m = await loadLocal()
    return typeof m === 'string' ? m : undefined
  },
  prepare: async (w, n, dir) => {
    const m = await loadLocal()
    if (typeof m === 'string') throw new Error(m)
    const wf = w === 'W1' ? chainWorkflow(n) : w === 'W2' ? fanWorkflow(n) : w === 'W3' ? layersWorkflow(n) : sleepsWorkflow()
    const interpreter = m.local({ runsDir: join(dir, 'runs'), parallelism: w === 'W4' ? n : 2 })
    let run: LocalRun | undefined
    return {
      go: async () => {
        run = await interpreter.run(wf)
      },
      check: async () => {
        if (run?.status !== 'Succeeded') throw new Error(`${w} n=${n}: run status ${run?.status}`)
        const want = expected(w, n)
        let got: unknown
        try {
          got = run.step?.(want.step)?.outputs?.[want.output]
        } catch {
          got = undefined // an interpreter without this query: the status is all we check
        }
        if (got !== undefined && got !== want.value)
          throw new Error(`${w} n=${n}: ${want.step}.${want.output} = ${JSON.stringify(got).slice(0, 60)}, expected ${JSON.stringify(want.value).slice(0, 60)}`)
      },
    }
  },
}
