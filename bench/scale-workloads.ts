import { dag, forEach, param, seq, sh, shell, step, t, workflow, type Step, type Workflow } from '../dsl/index.ts'

/**
 * The shapes of the scale lines of `npm run bench` (items 10 and 11 of the correctness issue), each built
 * at any size n, with the step whose output tells that it ran right:
 *
 * - `dag`: n tasks of a `dag`, task k reading task k-4's output (four chains interleaved, so the
 *   dependencies are real and two tasks can run at once); the last task holds floor((n-1)/4) + 1.
 * - `nested`: a fan-out of fan-outs, `forEach(outer, (x) => forEach(inner, (y) => step('s', …)))`, 10 outer
 *   items times n/10 inner ones: n calls, each echoing its pair.
 * - `chain` and `fan`: n steps in a `seq`, each reading the previous output, and one step fanned out over n
 *   items — the two shapes whose driver memory per step is compared.
 *
 * @example
 * ```ts
 * scaleShapes.dag(1000).wf     // dag(s0 … s999); s999.y = 250
 * scaleShapes.nested(1000).wf  // forEach(a0…a9, (x) => forEach(b0…b99, (y) => step('s', pair, { x, y })))
 * ```
 */
export type ScaleShape = 'dag' | 'nested' | 'chain' | 'fan'

const inc = shell({
  name: 'inc',
  image: 'alpine:3.20',
  inputs: { x: param(t.number) },
  outputs: { y: param(t.number, { path: 'y.txt' }) },
  script: ({ x }) => sh`echo $((${x} + 1)) > y.txt`,
})

const pair = shell({
  name: 'pair',
  image: 'alpine:3.20',
  inputs: { x: param(t.string), y: param(t.string) },
  outputs: { xy: param(t.string, { path: 'xy.txt' }) },
  script: ({ x, y }) => sh`echo ${x}-${y} > xy.txt`,
})

/** A workflow of one shape and how to check its run: the number of leaf calls and one output to read. */
export interface ScaleCase {
  readonly wf: Workflow
  /** How many leaf calls (Pods) the run makes. */
  readonly calls: number
  /** A step (by id) and the value its output `out` must hold. */
  readonly check: { readonly id: string; readonly out: string; readonly value: unknown }
}

/** Each shape at size n. @example scaleShapes.chain(3).check // { id: 's3', out: 'y', value: 3 } */
export const scaleShapes: Record<ScaleShape, (n: number) => ScaleCase> = {
  dag: (n) => {
    const tasks: Step<typeof inc>[] = []
    for (let k = 0; k < n; k++) tasks.push(step(`s${k}`, inc, { x: k < 4 ? 0 : tasks[k - 4]!.outputs.y }))
    return { wf: workflow('scale-dag', dag(...tasks)), calls: n, check: { id: `s${n - 1}`, out: 'y', value: Math.floor((n - 1) / 4) + 1 } }
  },
  nested: (n) => {
    const outer = Array.from({ length: 10 }, (_, i) => `a${i}`)
    const inner = Array.from({ length: Math.round(n / 10) }, (_, i) => `b${i}`)
    const wf = workflow('scale-nested', forEach(outer, (x) => forEach(inner, (y) => step('s', pair, { x, y })), { name: 'outer' }))
    return { wf, calls: outer.length * inner.length, check: { id: `outer(9).s(${inner.length - 1})`, out: 'xy', value: `a9-b${inner.length - 1}` } }
  },
  chain: (n) => {
    const steps: Step<typeof inc>[] = []
    for (let k = 1; k <= n; k++) steps.push(step(`s${k}`, inc, { x: steps[k - 2]?.outputs.y ?? 0 }))
    return { wf: workflow('scale-chain', seq(...steps)), calls: n, check: { id: `s${n}`, out: 'y', value: n } }
  },
  fan: (n) => ({
    wf: workflow('scale-fan', forEach(Array.from({ length: n }, (_, i) => i), (x) => step('f', inc, { x }))),
    calls: n,
    check: { id: `f(${n - 1})`, out: 'y', value: n },
  }),
}
