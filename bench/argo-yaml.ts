import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropLater, freshDir } from './lib/temp.ts'

/**
 * W1 (a chain) and W2 (a fan-out and a join) written as Argo YAML, run with `dflow run FILE.yaml`, beside
 * the same workflows in the DSL (the bench's own `chainWorkflow`/`fanWorkflow`, in a module) run with
 * `dflow run FILE.ts` — one entry point, one process per run, parallelism 2 both. The marginal cost per step
 * (t(big) − t(small)) / (big − small) cancels start-up, compiling and importing; the target is the YAML's
 * within 10% of the DSL's. The YAML's steps are Argo containers (`busybox`, `sh -c`) run the importer's fast
 * way (lib/argo/import/leaf-sandbox.ts: tags substituted by the step's sh script, the command run in the
 * step's own mount namespace — the launcher's as root, else bubblewrap's; argo-leaf.py where neither can be had).
 *
 * @example
 * ```ts
 * argoChainYaml(2) // a Workflow whose steps s1, s2 call template inc with x = 0, then {{steps.s1.outputs.parameters.y}}
 * ```
 */
export const argoChainYaml = (n: number): string => {
  const steps = Array.from({ length: n }, (_, i) => {
    const k = i + 1
    const x = k === 1 ? '"0"' : `"{{steps.s${k - 1}.outputs.parameters.y}}"`
    return `    - - name: s${k}\n        template: inc\n        arguments: { parameters: [{ name: x, value: ${x} }] }`
  })
  return `${HEADER('bench-w1')}  - name: main
    steps:
${steps.join('\n')}
${INC}`
}

/** W2 in Argo YAML: n parallel `inc` steps, then a join given every output. @example argoFanYaml(2) // steps [[w0, w1], [join]] */
export const argoFanYaml = (n: number): string => {
  const fan = Array.from({ length: n }, (_, k) => `${k ? '    ' : '  - '}- name: w${k}\n        template: inc\n        arguments: { parameters: [{ name: x, value: "${k}" }] }`)
  const ins = Array.from({ length: n }, (_, k) => `i${k}`)
  return `${HEADER('bench-w2')}  - name: main
    steps:
  ${fan.join('\n  ')}
    - - name: join
        template: join
        arguments:
          parameters:
${ins.map((i, k) => `          - { name: ${i}, value: "{{steps.w${k}.outputs.parameters.y}}" }`).join('\n')}
${INC}
  - name: join
    inputs: { parameters: [${ins.map((i) => `{ name: ${i} }`).join(', ')}] }
    outputs: { parameters: [{ name: all, valueFrom: { path: /tmp/join.txt } }] }
    container:
      image: busybox
      command: [sh, -c]
      args: ["echo ${ins.map((i) => `{{inputs.parameters.${i}}}`).join(' ')} > /tmp/join.txt"]
`
}

const HEADER = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { name: ${name} }
spec:
  entrypoint: main
  templates:
`
const INC = `  - name: inc
    inputs: { parameters: [{ name: x }] }
    outputs: { parameters: [{ name: y, valueFrom: { path: /tmp/y.txt } }] }
    container:
      image: busybox
      command: [sh, -c]
      args: ["echo $(({{inputs.parameters.x}} + 1)) > /tmp/y.txt"]`

/** The DSL module `dflow run` loads: the bench's workflow value of the same workload. */
const dslModule = (w: 'W1' | 'W2', n: number): string =>
  `import { chainWorkflow, fanWorkflow } from ${JSON.stringify(new URL('./dflow-ts.ts', import.meta.url).pathname)}\nexport default ${w === 'W1' ? 'chainWorkflow' : 'fanWorkflow'}(${n})\n`

const BIN = new URL('../bin/dflow.js', import.meta.url).pathname

/** `dflow run FILE` in its own process, to its end; rejects unless the run Succeeded. */
const dflowRun = (dir: string, file: string): Promise<void> =>
  new Promise((done, failed) => {
    const p = spawn(process.execPath, [BIN, 'run', file, '--quiet', '--parallelism', '2', '--runs-dir', join(dir, 'runs')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let out = ''
    p.stdout.on('data', (b: Buffer) => (out += b.toString()))
    p.stderr.on('data', (b: Buffer) => (out += b.toString()))
    p.on('error', failed)
    p.on('exit', (code) => (code === 0 ? done() : failed(new Error(`dflow run ${file} exited ${code}: ${out.slice(-400)}`))))
  })

/**
 * What the run's last step gave, read from its journal (steps.jsonl): W1's s{n}.y is n, W2's join.all is
 * "1 2 … n" (a run of a workflow that lost its steps, as a mis-indented YAML does, succeeds too: the check is
 * what makes a figure a measurement of n steps); and the workflow's own duration, from its start to its end in
 * the journal (the process's start-up, loading and importing left out).
 *
 * @example
 * ```ts
 * runResult(join(dir, 'runs'), 'W1', 20) // { output: '20', ms: 812 }
 * ```
 */
export const runResult = (runs: string, w: 'W1' | 'W2', n: number): { readonly output: string | undefined; readonly ms: number } => {
  const [run] = readdirSync(runs)
  const [name, output] = w === 'W1' ? [`s${n}`, 'y'] : ['join', 'all']
  type Rec = { name: string; phase: string; startedAt?: string; finishedAt?: string; outputs?: { parameters?: Record<string, string> } }
  const records = readFileSync(join(runs, run!, 'steps.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec).reverse()
  // from the first step's start to the last one's end (a DSL seq has no record of its own)
  const starts = records.flatMap((r) => (r.startedAt ? [Date.parse(r.startedAt)] : []))
  const ends = records.flatMap((r) => (r.finishedAt ? [Date.parse(r.finishedAt)] : []))
  return { output: records.find((r) => r.name === name && r.phase === 'Succeeded')?.outputs?.parameters?.[output], ms: Math.max(...ends) - Math.min(...starts) }
}

type Form = 'DSL (.ts)' | 'Argo YAML'
const FORMS: readonly Form[] = ['DSL (.ts)', 'Argo YAML']
const WS = ['W1', 'W2'] as const

/**
 * The sizes the marginal cost is taken between: far apart, so that the start-up's noise (a process's start and
 * exit vary by ±100 ms here) is a small part of the difference — at about 2 ms a step, 90 steps were 180 ms, and
 * one repetition's ratio swung from 0.6x to 2x. @example YAML_SIZES.W1 // [10, 300]
 */
export const YAML_SIZES: Record<'W1' | 'W2', readonly [number, number]> = { W1: [10, 300], W2: [20, 600] }
const QUICK_SIZES: Record<'W1' | 'W2', readonly [number, number]> = { W1: [5, 10], W2: [10, 20] }

/** One repetition's wall times, by `W|n|form`, and the 1-minute load average when it started. */
interface Rep {
  readonly load: number
  readonly ms: Map<string, number>
  /** The workflows' own durations (journal), by the same keys. */
  readonly inRun: Map<string, number>
}

/**
 * Runs W1 and W2 in both forms at two sizes each, interleaved per repetition (at least 5 of them: on a shared
 * 2-core machine one loaded minute moves a run by seconds), and prints every run's wall time with the load
 * average, each repetition's marginal costs and YAML/DSL ratio, then each form's median wall times, its
 * marginal cost per step from the medians and whether the YAML's is within 10% of the DSL's.
 *
 * @example
 * ```ts
 * await argoYamlBench(root, 5, false)
 * ```
 */
export const argoYamlBench = async (root: string, reps: number, quick: boolean): Promise<void> => {
  const sizes = quick ? QUICK_SIZES : YAML_SIZES
  const n = quick ? 1 : Math.max(reps, 5)
  const later = dropLater() // removed when the section ends: see dropLater
  const once = async (w: 'W1' | 'W2', size: number, form: Form): Promise<readonly [number, number]> => {
    const dir = later.add(freshDir(root, 'argo-yaml'))
    const file = form === 'Argo YAML' ? 'wf.yaml' : 'wf.ts'
    writeFileSync(join(dir, file), form === 'Argo YAML' ? (w === 'W1' ? argoChainYaml(size) : argoFanYaml(size)) : dslModule(w, size))
    const t0 = performance.now()
    await dflowRun(dir, file)
    const ms = performance.now() - t0
    const want = w === 'W1' ? String(size) : Array.from({ length: size }, (_, k) => k + 1).join(' ')
    const got = runResult(join(dir, 'runs'), w, size)
    if (got.output !== want) throw new Error(`${w} n=${size} in ${form}: the last step gave ${JSON.stringify(got.output)}, not ${JSON.stringify(want)}`)
    return [ms, got.ms] as const
  }
  console.log(`\nArgo YAML through dflow run: W1 at n=${sizes.W1.join(' and ')}, W2 at n=${sizes.W2.join(' and ')}, ${n} repetition(s); each run is \`dflow run FILE --parallelism 2\` in a process of its own, its last output checked`)
  for (const w of WS) for (const form of FORMS) await once(w, sizes[w][0], form) // warm-up, untimed
  const runs: Rep[] = []
  const cost = (ms: (k: string) => number, w: 'W1' | 'W2', form: Form) => marginal({ n: sizes[w][0], ms: ms(`${w}|${sizes[w][0]}|${form}`) }, { n: sizes[w][1], ms: ms(`${w}|${sizes[w][1]}|${form}`) })
  for (let rep = 0; rep < n; rep++) {
    const r: Rep = { load: loadavg()[0]!, ms: new Map(), inRun: new Map() }
    for (const w of WS)
      for (const size of sizes[w])
        for (const form of rep % 2 ? [...FORMS].reverse() : FORMS) {
          const [ms, inRun] = await once(w, size, form)
          r.ms.set(`${w}|${size}|${form}`, ms)
          r.inRun.set(`${w}|${size}|${form}`, inRun)
        }
    runs.push(r)
    const line = (m: Map<string, number>, w: 'W1' | 'W2') => {
      const at = (k: string) => m.get(k)!
      return `${FORMS.map((f) => `${f === 'Argo YAML' ? 'YAML' : 'DSL'} ${sizes[w].map((z) => fmt(at(`${w}|${z}|${f}`), 0)).join('/')} ms (${fmt(cost(at, w, f))} ms/step)`).join(', ')}, x${fmt(cost(at, w, 'Argo YAML') / cost(at, w, 'DSL (.ts)'), 2)}`
    }
    console.log(`  rep ${rep + 1} (load ${fmt(r.load)} at start, ${fmt(loadavg()[0]!)} at end):\n${WS.map((w) => `    ${w} process: ${line(r.ms, w)}\n    ${w} in run:  ${line(r.inRun, w)}`).join('\n')}`)
  }
  const med = (k: string) => median(runs.map((r) => r.ms.get(k)!))
  const rows: string[][] = [['workload', 'form', 't(small)', 't(big)', 'ms/step', 'x DSL', 'per-rep ms/step', 'per-rep x DSL (median)']]
  const verdicts: string[] = []
  for (const w of WS) {
    const perRep = (f: Form) => runs.map((r) => cost((k) => r.ms.get(k)!, w, f))
    const ratios = runs.map((_, i) => perRep('Argo YAML')[i]! / perRep('DSL (.ts)')[i]!)
    const dsl = cost(med, w, 'DSL (.ts)')
    for (const form of FORMS) {
      const pr = perRep(form)
      rows.push([w, form, fmt(med(`${w}|${sizes[w][0]}|${form}`), 0), fmt(med(`${w}|${sizes[w][1]}|${form}`), 0), fmt(cost(med, w, form)), fmt(cost(med, w, form) / dsl, 2), `${fmt(Math.min(...pr))}..${fmt(Math.max(...pr))}`, form === 'Argo YAML' ? fmt(median(ratios), 2) : ''])
    }
    const medIn = (k: string) => median(runs.map((r) => r.inRun.get(k)!))
    const inRatio = cost(medIn, w, 'Argo YAML') / cost(medIn, w, 'DSL (.ts)')
    const yaml = cost(med, w, 'Argo YAML')
    verdicts.push(`  ${w}: in the run alone (journal, start-up and import left out): ${fmt(cost(medIn, w, 'Argo YAML'))} vs ${fmt(cost(medIn, w, 'DSL (.ts)'))} ms/step, ${fmt(inRatio, 2)}x`)
    verdicts.push(`  ${w}: Argo YAML within 10% of the DSL (${fmt(yaml)} vs ${fmt(dsl)} ms/step, ${fmt(yaml / dsl, 2)}x; per repetition ${fmt(median(ratios), 2)}x): ${yaml <= 1.1 * dsl ? 'MET' : 'NOT MET'}`)
  }
  console.log(`${table(rows)}\nmedians over the repetitions; ms/step = (t(big) - t(small)) / (big - small); load average ${loadavg().map((l) => fmt(l)).join(' ')} at the end
target: the marginal cost of a step written in Argo YAML within 10% of the same step in the DSL\n${verdicts.join('\n')}`)
  later.dropAll()
}
