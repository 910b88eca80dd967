import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, par, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { local, type StepView } from 'dflow-ts/local'
import { inc, sleeper } from '../helpers/templates.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: scheduling')
const tmp = tempDir('sched')
test.after(tmp.cleanup)
const run = (wf: Parameters<ReturnType<typeof local>['run']>[0], parallelism = 4) => local({ runsDir: tmp.path, parallelism }).run(wf)

const start = (s: StepView) => Date.parse(s.record.startedAt!)
const end = (s: StepView) => Date.parse(s.record.finishedAt!)

/** The largest number of steps running at the same moment. */
const maxOverlap = (steps: readonly StepView[]): number =>
  Math.max(...steps.map((s) => steps.filter((o) => start(o) <= start(s) && start(s) < end(o)).length))

test('a dag task starts as soon as its own dependencies are done, not layer by layer', async () => {
  const a = step('a', sleeper, { seconds: 0.1 })
  const b = step('b', sleeper, { seconds: 1.5 })
  const c = step('c', sleeper, { seconds: 0.1 }, { dependsOn: [a] })
  const r = await run(workflow('dag-eager', dag(a, b, c)))
  assert.is(r.status, 'Succeeded', r.message)
  assert.ok(start(r.step('c')) >= end(r.step('a')), 'c waits for a')
  assert.ok(start(r.step('c')) < end(r.step('b')), 'c does not wait for b')
})

test('dependencies come from references: a chain through a dag runs in order', async () => {
  const s1 = step('s1', inc, { n: 0 })
  const s2 = step('s2', inc, { n: s1.outputs.n })
  const s3 = step('s3', inc, { n: s2.outputs.n })
  const r = await run(workflow('dag-refs', dag(s3, s1, s2)))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('s3').outputs.n, 3)
  assert.ok(start(r.step('s3')) >= end(r.step('s2')))
})

test('parallel branches run concurrently, up to the parallelism limit', async () => {
  const steps = [0, 1, 2, 3, 4, 5].map((i) => step(`p${i}`, sleeper, { seconds: 0.4 }))
  const limited = await run(workflow('par-limit', par(...steps)), 2)
  assert.is(limited.status, 'Succeeded')
  assert.is(maxOverlap(limited.steps()), 2)
  const wide = await run(workflow('par-wide', par(...steps)), 6)
  assert.ok(maxOverlap(wide.steps()) >= 4, `overlap ${maxOverlap(wide.steps())}`)
})

test('workflow parallelism caps the interpreter setting', async () => {
  const steps = [0, 1, 2, 3].map((i) => step(`q${i}`, sleeper, { seconds: 0.3 }))
  const r = await run(workflow('wf-parallelism', par(...steps), { parallelism: 1 }), 4)
  assert.is(maxOverlap(r.steps()), 1)
})

test('seq runs in order and a later step sees earlier outputs', async () => {
  const a = step('a', inc, { n: 41 })
  const b = step('b', inc, { n: a.outputs.n })
  const r = await run(workflow('seq-order', seq(a, b)))
  assert.is(r.step('b').outputs.n, 43)
  assert.ok(start(r.step('b')) >= end(r.step('a')))
})

test('scripts run the same under dash and bash', async () => {
  const mk = (shellName: string) =>
    shell({
      name: `arith-${shellName}`,
      command: [shellName],
      inputs: { n: param(t.number), s: param(t.string) },
      outputs: { out: param(t.string) },
      script: ({ n, s }, o) => sh`printf '%s|%s' "$((${n} * 3))" ${s} > ${o.out}`,
    })
  const value = `it's "quoted" $(x) \`y\` * ~ -n`
  const r = await run(workflow('shells', par(step('d', mk('dash'), { n: 7, s: value }), step('b', mk('bash'), { n: 7, s: value }))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('d').outputs.out, `21|${value}`)
  assert.is(r.step('b').outputs.out, `21|${value}`)
})

test.run()
