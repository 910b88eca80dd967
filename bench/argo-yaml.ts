import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

/**
 * W1 (a chain) and W2 (a fan-out and a join) written as Argo YAML, run with `dflow run FILE.yaml`, beside
 * the same workflows in the DSL (the bench's own `chainWorkflow`/`fanWorkflow`, in a module) run with
 * `dflow run FILE.ts` — one entry point, one process per run, parallelism 2 both. The marginal cost per step
 * (t(big) − t(small)) / (big − small) cancels start-up, compiling and importing; the target is the YAML's
 * within 10% of the DSL's. The YAML's steps are Argo containers (`busybox`, `sh -c`) run by the importer's
 * leaf runner (argo-leaf.py: tags substituted, each step in its own mount namespace).
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
    return `  - - name: s${k}\n      template: inc\n      arguments: { parameters: [{ name: x, value: ${x} }] }`
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

type Form = 'DSL (.ts)' | 'Argo YAML'
const FORMS: readonly Form[] = ['DSL (.ts)', 'Argo YAML']

/**
 * Runs W1 and W2 in both forms at two sizes each, interleaved per repetition, and prints each form's median
 * wall times, its marginal cost per step and whether the YAML's is within 10% of the DSL's.
 *
 * @example
 * ```ts
 * await argoYamlBench(root, 3, false)
 * ```
 */
export const argoYamlBench = async (root: string, reps: number, quick: boolean): Promise<void> => {
  const sizes: Record<'W1' | 'W2', readonly [number, number]> = quick ? { W1: [5, 10], W2: [10, 20] } : { W1: [20, 60], W2: [40, 120] }
  const times = new Map<string, number[]>()
  const once = async (w: 'W1' | 'W2', n: number, form: Form): Promise<number> => {
    const dir = freshDir(root, 'argo-yaml')
    try {
      const file = form === 'Argo YAML' ? 'wf.yaml' : 'wf.ts'
      writeFileSync(join(dir, file), form === 'Argo YAML' ? (w === 'W1' ? argoChainYaml(n) : argoFanYaml(n)) : dslModule(w, n))
      const t0 = performance.now()
      await dflowRun(dir, file)
      return performance.now() - t0
    } finally {
      dropDir(dir)
    }
  }
  console.log(`\nArgo YAML through dflow run: W1 at n=${sizes.W1.join(' and ')}, W2 at n=${sizes.W2.join(' and ')}, ${reps} repetition(s); each run is \`dflow run FILE --parallelism 2\` in a process of its own`)
  await once('W1', sizes.W1[0], 'Argo YAML') // warm-up, untimed
  for (let rep = 0; rep < reps; rep++)
    for (const w of ['W1', 'W2'] as const)
      for (const n of sizes[w])
        for (const form of rep % 2 ? [...FORMS].reverse() : FORMS) {
          const k = `${w}|${n}|${form}`
          times.set(k, [...(times.get(k) ?? []), await once(w, n, form)])
        }
  const rows: string[][] = [['workload', 'form', 't(small)', 't(big)', 'ms/step', 'x DSL']]
  const verdicts: string[] = []
  for (const w of ['W1', 'W2'] as const) {
    const [small, big] = sizes[w]
    const cost = (form: Form) => marginal({ n: small, ms: median(times.get(`${w}|${small}|${form}`)!) }, { n: big, ms: median(times.get(`${w}|${big}|${form}`)!) })
    const dsl = cost('DSL (.ts)')
    for (const form of FORMS)
      rows.push([w, form, fmt(median(times.get(`${w}|${small}|${form}`)!), 0), fmt(median(times.get(`${w}|${big}|${form}`)!), 0), fmt(cost(form)), fmt(cost(form) / dsl, 2)])
    const yaml = cost('Argo YAML')
    verdicts.push(`  ${w}: Argo YAML within 10% of the DSL (${fmt(yaml)} vs ${fmt(dsl)} ms/step, ${fmt(yaml / dsl, 2)}x): ${yaml <= 1.1 * dsl ? 'MET' : 'NOT MET'}`)
  }
  console.log(`${table(rows)}\ntarget: the marginal cost of a step written in Argo YAML within 10% of the same step in the DSL\n${verdicts.join('\n')}`)
}
