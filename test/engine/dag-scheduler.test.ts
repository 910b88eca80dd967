import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { step, stepsIn, type Node, type Step } from 'dflow-ts'
import { runDag } from '../../lib/engine/dag.ts'
import { inc } from '../helpers/templates.ts'

const test = suite('local: the dag scheduler')

/** Layers of `width` tasks, each depending on two tasks of the layer before (by reference). */
const layers = (depth: number, width: number): Step[][] => {
  const out: Step<typeof inc>[][] = []
  for (let l = 0; l < depth; l++) {
    const prev = out[l - 1]
    out.push(Array.from({ length: width }, (_, k) => step(`t${l}-${k}`, inc, { n: prev ? prev[(k + 1) % width]!.outputs.n : 0 }, prev ? { dependsOn: [prev[k]!] } : {})))
  }
  return out
}

test('a wide dag: every task starts once, after all of its dependencies ended, and each is warmed before it starts', async () => {
  const ls = layers(20, 100)
  const children: Node[] = ls.flat()
  const ended = new Set<string>()
  const warmed = new Set<string>()
  const started: string[] = []
  const problems: string[] = []
  const env = { scope: { steps: new Map() }, signal: new AbortController().signal }
  const outcome = await runDag(children, env, {
    run: async (n) => {
      const s = n as Step
      started.push(s.name)
      const [l, k] = s.name.slice(1).split('-').map(Number) as [number, number]
      if (l > 0) {
        for (const d of [`t${l - 1}-${k}`, `t${l - 1}-${(k + 1) % 100}`]) if (!ended.has(d)) problems.push(`${s.name} started before ${d} ended`)
        if (!warmed.has(s.name)) problems.push(`${s.name} was not warmed`)
      }
      await new Promise((r) => setImmediate(r))
      ended.add(s.name)
      return { ok: true, clean: true }
    },
    omit: () => problems.push('nothing is omitted here'),
    warm: (n) => void stepsIn(n).forEach((s) => warmed.add(s.name)),
  })
  assert.equal(problems, [])
  assert.equal(outcome, { ok: true, clean: true })
  assert.is(started.length, 2000)
  assert.is(new Set(started).size, 2000)
})

test('a failure stops the scheduling: nothing downstream starts, the outcome names the failure', async () => {
  const ls = layers(3, 4)
  const started: string[] = []
  const env = { scope: { steps: new Map() }, signal: new AbortController().signal }
  const outcome = await runDag(ls.flat(), env, {
    run: async (n) => {
      const name = (n as Step).name
      started.push(name)
      await new Promise((r) => setImmediate(r))
      return name === 't0-1' ? { ok: false, clean: false, failure: 'step t0-1 failed' } : { ok: true, clean: true }
    },
    omit: () => {},
  })
  assert.is(outcome.failure, 'step t0-1 failed')
  assert.equal(started.filter((s) => s.startsWith('t2')), [])
})

test.run()
