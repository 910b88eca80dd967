/**
 * Compile time and manifest size of the Argo compiler on the two shapes that break naive compilers: a
 * `par` of 10,000 calls of one template, and a chain of 1,000 steps each using the previous one's output.
 * The template must appear once, each extra call must cost a small constant number of bytes, and both
 * must compile in well under a second. Prints the median of several runs.
 *
 * Usage: node --conditions=source --import tsx bench/argo-compile.ts
 */
import { par, param, seq, sh, shell, step, t, workflow, type Step, type Workflow } from 'dflow-ts'
import { compile, toYaml } from 'dflow-ts/argo'

const inc = shell({
  name: 'inc',
  image: 'alpine:3.20',
  inputs: { n: param(t.number) },
  outputs: { n: param(t.number, { path: 'n.txt' }) },
  script: ({ n }) => sh`echo $((${n} + 1)) > n.txt`,
})

const fanOut = (calls: number): Workflow => workflow('fan-out', par(...Array.from({ length: calls }, (_, i) => step(`call-${i}`, inc, { n: i }))))

const chain = (length: number): Workflow => {
  const steps: Step<typeof inc>[] = [step('s0', inc, { n: 0 })]
  for (let i = 1; i < length; i++) steps.push(step(`s${i}`, inc, { n: steps[i - 1]!.outputs.n }))
  return workflow('chain', seq(...steps))
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The figures of one workflow: median compile time, median YAML printing time, sizes, template count. */
export interface Figures {
  readonly compileMs: number
  readonly yamlMs: number
  readonly yamlBytes: number
  readonly jsonBytes: number
  readonly templates: number
  /** How many times the called template is defined (must be 1). */
  readonly defined: number
}

/** Compiles a workflow `runs` times and prints it as YAML as many times. @example measure(chain(10)).defined // 1 */
export const measure = (wf: Workflow, runs = 5): Figures => {
  const compileTimes: number[] = []
  const yamlTimes: number[] = []
  let text = ''
  let json = ''
  let templates = 0
  let defined = 0
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const m = compile(wf)
    const t1 = performance.now()
    text = toYaml(m)
    yamlTimes.push(performance.now() - t1)
    compileTimes.push(t1 - t0)
    json = JSON.stringify(m)
    templates = m.spec.templates.length
    defined = m.spec.templates.filter((x) => x.name === 'inc').length
  }
  return { compileMs: median(compileTimes), yamlMs: median(yamlTimes), yamlBytes: Buffer.byteLength(text), jsonBytes: Buffer.byteLength(json), templates, defined }
}

/** Runs the benchmark and prints one line per shape. @example run() */
export const run = (): void => {
  const rows: [string, Workflow, Workflow, number][] = [
    ['par of 10,000 calls', fanOut(10_000), fanOut(5_000), 5_000],
    ['chain of 1,000 steps', chain(1_000), chain(500), 500],
  ]
  for (const [label, big, half, extra] of rows) {
    const a = measure(big)
    const b = measure(half, 3)
    const perYaml = (a.yamlBytes - b.yamlBytes) / extra
    const perJson = (a.jsonBytes - b.jsonBytes) / extra
    process.stdout.write(
      `argo compile, ${label}: compile ${a.compileMs.toFixed(1)} ms, YAML printing ${a.yamlMs.toFixed(1)} ms (medians of 5); ` +
        `${a.yamlBytes} bytes YAML / ${a.jsonBytes} bytes JSON; ${a.templates} templates ("inc" defined ${a.defined}x); ` +
        `each extra call costs ${perYaml.toFixed(1)} bytes YAML / ${perJson.toFixed(1)} bytes JSON\n`,
    )
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run()
