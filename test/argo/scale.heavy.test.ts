import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, step, validate, workflow, type Step } from 'dflow-ts'
import { compile, validate as validateManifest } from 'dflow-ts/argo'
import { inc } from '../helpers/templates.ts'

// Every pass over the tree is linear (or n log n) in its nodes: validation of a dag used to build, for each
// task, a set of every other task's name (22.8 s at 10,000 tasks, and `compile` validates first). No time is
// asserted: the test is that a 20,000-task dag gets through validation, compilation and the manifest's lint
// with the right answers, which took minutes before.
const test = suite('scale: a 20,000-task dag')

const N = 20_000
/** Task k reads task k-1's output and, from k = 8 on, also waits for task k-8 (`dependsOn`). */
const tasks = (n: number): Step<typeof inc>[] => {
  const out: Step<typeof inc>[] = []
  for (let k = 0; k < n; k++) out.push(step(`s${k}`, inc, { n: k === 0 ? 0 : out[k - 1]!.outputs.n }, k >= 8 ? { dependsOn: [`s${k - 8}`] } : {}))
  return out
}

test('it validates clean and compiles to a manifest whose every task has its dependencies, and which lints clean', () => {
  const wf = workflow('big-dag', dag(...tasks(N)))
  assert.equal(validate(wf), [])
  const m = compile(wf)
  const main = m.spec.templates.find((x) => x.dag)!
  assert.is(main.dag!.tasks.length, N)
  const byName = new Map(main.dag!.tasks.map((x) => [x.name, x]))
  const dependsOf = (k: number) => (byName.get(`s${k}`)!.depends ?? '').split('&&').map((d) => d.trim()).sort()
  for (const k of [1, 7, 8, 12_345, N - 1]) assert.equal(dependsOf(k), [`s${k - 1}`, ...(k >= 8 ? [`s${k - 8}`] : [])].sort(), `s${k}`)
  assert.is(m.spec.templates.filter((x) => x.name === 'inc').length, 1)
  assert.equal(validateManifest(m), [])
  // the manifest's lint finds a cycle through every task (the first made to wait for the last)
  const looped = structuredClone(m)
  ;(looped.spec.templates.find((x) => x.dag)!.dag!.tasks[0] as { depends?: string }).depends = `s${N - 1}`
  const cycles = validateManifest(looped).filter((p) => p.message.includes('dependency cycle'))
  assert.is(cycles.length, 1)
  assert.match(cycles[0]!.message, new RegExp(`^dependency cycle: s0 -> s${N - 1} -> (s\\d+ -> )+s0 `), cycles[0]!.message.slice(0, 80))
})

test('its problems are still found, each once, at the far end of the dag', () => {
  const ts = tasks(N)
  // the first task waits for the last (a cycle through all of them), and the last also waits for a step that is not there
  ts[0] = step('s0', inc, { n: 0 }, { dependsOn: [`s${N - 1}`] })
  ts[N - 1] = step(`s${N - 1}`, inc, { n: ts[N - 2]!.outputs.n }, { dependsOn: [`s${N - 9}`, 'nowhere'] })
  const problems = validate(workflow('big-dag', dag(...ts)))
  assert.is(problems.length, 2, JSON.stringify(problems.map((p) => p.message)))
  assert.ok(problems.some((p) => p.message.startsWith('"nowhere" is not a step') && p.path.join('.') === `big-dag.s${N - 1}.dependsOn`))
  assert.ok(problems.some((p) => p.message.startsWith('dependency cycle: s0 -> ')))
})

test.run()
