import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { key, slice, step, workflow } from 'dflow-ts'
import { dispatcher } from 'dflow-ts/dispatcher'
import { local } from 'dflow-ts/local'
import { outcomeOf } from '../conformance/outcome.ts'
import { shDouble } from '../helpers/slice-scripts.ts'
import { tempDir } from '../helpers/tmp.ts'
import { groupedSubpath } from '../../examples/slices/group-subpath.ts'

// Grouped slices on the dispatcher; a grouped slice of a shell template (shell batch system): each group's call is one job
// running the wrapper, which runs its slices inside the job; records and outputs as on the local interpreter.
const test = suite('dispatcher: grouped slices of a shell template')
const tmp = tempDir('dispatcher-slice-group')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }

test('5 slices in groups of 2 (pool 2): 3 jobs, 5 keyed slice records under them, the local outcome', async () => {
  const wf = workflow('sh-grouped-jobs', slice({ x: [1, 2, 4, 5, 6], tag: ['a', 'b c', '"d"', '$(e)', 'f'] }, (s, i) => step('d', shDouble, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), { groupSize: 2, poolSize: 2 }))
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  const calls = run.steps({ name: /^d\(/ })
  assert.is(calls.length, 3)
  const jobs = new Set(calls.map((c) => c.record.job?.id))
  assert.is(jobs.size, 3, 'one job per group')
  assert.ok(calls.every((c) => c.record.job?.system === 'shell'))
  const slices = run.steps({ name: /^slice\(/ })
  assert.equal(slices.map((s) => s.key).sort(), ['d-0', 'd-1', 'd-2', 'd-3', 'd-4'])
  assert.equal(run.step('d').outputs.y, [2, 4, 8, 10, 12])
  assert.equal(run.step('d').outputs.said, ['a|n|lit $x', 'b c|n|lit $x', '"d"|n|lit $x', '$(e)|n|lit $x', 'f|n|lit $x'])
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
})

test('a failing slice in a job: its group\'s job fails, the slices\' records say which slice failed and why', async () => {
  const wf = workflow('sh-grouped-fail', slice({ x: [1, 3, 4], tag: ['a', 'b', 'c'] }, (s, i) => step('d', shDouble, { x: s.x, tag: s.tag }, { key: key`d-${i}` }), { groupSize: 2 }))
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf)
  assert.is(run.status, 'Failed')
  assert.equal([run.step({ key: 'd-1' }).phase, run.step({ key: 'd-1' }).record.message], ['Failed', 'exit code 3: three is not allowed'])
  assert.equal([run.step({ key: 'd-0' }).phase, run.step({ key: 'd-2' }).phase], ['Succeeded', 'Succeeded'])
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
})

test('grouped slices of a list artifact (a function OP and a shell template): one job per group, given the whole artifact, each slice reading only its part; the local outcome', async () => {
  const wf = groupedSubpath(2)
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  for (const name of ['hello', 'cat']) {
    const calls = run.steps({ name: new RegExp(`^${name}\\(`) })
    assert.is(new Set(calls.map((c) => c.record.job?.id)).size, 3, `${name}: one job per group`)
    assert.equal(run.step(name).outputs.text, ['a:foo1', 'b:foo2', 'c:foo3', 'd:foo4', 'e:foo5'])
  }
  assert.is(run.steps({ name: /^slice\(/ }).length, 10)
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
})

test.run()
