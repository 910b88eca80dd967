import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { local, type Run } from 'dflow-ts/local'
import coinflip from '../../examples/argo/coinflip.ts'
import loops from '../../examples/argo/loops.ts'
import loopsMaps from '../../examples/argo/loops-maps.ts'
import loopsSequence from '../../examples/argo/loops-sequence.ts'
import loopsParamResult from '../../examples/argo/loops-param-result.ts'
import loopsDag from '../../examples/argo/loops-dag.ts'
import parameterAggregation from '../../examples/argo/parameter-aggregation.ts'
import statusReference from '../../examples/argo/status-reference.ts'
import exitCodeOutputVariable from '../../examples/argo/exit-code-output-variable.ts'
import parallelismNested from '../../examples/argo/parallelism-nested.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: control-flow ports of Argo examples')
const tmp = tempDir('control-examples')
test.after(tmp.cleanup)

const run = async (wf: Workflow<any>, parameters: Record<string, unknown> = {}): Promise<Run> => {
  const r = await local({ runsDir: tmp.path }).run(wf, { parameters })
  assert.is(r.status, 'Succeeded', r.message)
  return r
}
/** The logs of a fan-out's calls, in item order. */
const logs = (r: Run, group: string): string[] =>
  [...r.steps({ parent: group })]
    .sort((a, b) => Number(/\((\d+)\)$/.exec(a.id)![1]) - Number(/\((\d+)\)$/.exec(b.id)![1]))
    .map((s) => s.log().trim())

test('coinflip: the seeded coin picks the branch; the other is Skipped', async () => {
  for (const [seed, side, other] of [[2, 'heads', 'tails'], [1, 'tails', 'heads']] as const) {
    const r = await run(coinflip, { seed })
    assert.is(r.step('flip-coin').outputs.result, side)
    assert.is(r.step(side).log().trim(), `it was ${side}`)
    assert.is(r.step(other).phase, 'Skipped')
  }
})

test('loops: one call per item, named print-message-loop(i)', async () => {
  const r = await run(loops)
  assert.equal(logs(r, 'loop-example.print-message-loop'), ['hello world', 'goodbye world'])
  assert.is(r.step('print-message-loop').type, 'StepGroup')
  assert.ok(r.steps({ name: 'print-message-loop(1)' }).length === 1)
})

test('loops-maps: item fields', async () => {
  assert.equal(logs(await run(loopsMaps), 'loop-map-example.test-linux'), ['debian:9.1', 'debian:8.9', 'alpine:3.6', 'ubuntu:17.10'])
})

test('loops-sequence: count, range, parameter, descending, printf', async () => {
  const r = await run(loopsSequence)
  const g = (n: string) => logs(r, `loops-sequence.${n}`)
  assert.equal(g('sequence-count'), ['0', '1', '2', '3', '4'])
  assert.equal(g('sequence-start-end'), ['100', '101', '102', '103', '104', '105'])
  assert.equal(g('sequence-param'), ['200', '201', '202'])
  assert.equal(g('sequence-negative'), ['5', '4', '3', '2', '1', '0'])
  assert.equal(g('sequence-format'), ['testuser00', 'testuser01', 'testuser02', 'testuser03', 'testuser04'])
  const r2 = await run(loopsSequence, { count: 1 })
  assert.equal(logs(r2, 'loops-sequence.sequence-param'), ['200'])
})

test('loops-param-result: a fan-out over a JSON list printed on stdout', async () => {
  const r = await run(loopsParamResult)
  assert.equal(r.step('generate').outputs.result, [0.1, 0.2, 0.3])
  assert.equal(logs(r, 'loop-param-result-example.sleep'), [0.1, 0.2, 0.3].map((n) => `sleeping for ${n} seconds\ndone`))
})

test('loops-dag: C starts after every call of B', async () => {
  const r = await run(loopsDag)
  const c = r.step('C').record.startedAt!
  for (const b of r.steps({ parent: 'loops-dag.B' })) assert.ok(b.record.finishedAt! <= c, `${b.id} ended after C started`)
  assert.equal(logs(r, 'loops-dag.B'), ['foo', 'bar', 'baz'])
})

test('parameter-aggregation: lists in item order, per-item when, results fan in', async () => {
  const r = await run(parameterAggregation)
  assert.is(r.step('print-nums').log().trim(), '["1","2","3","4"]')
  assert.equal(r.step('odd-or-even').outputs.num, [1, 2, 3, 4]) // the group's outputs: lists, decoded
  assert.equal(r.step('odd-or-even').outputs.evenness, ['odd', 'even', 'odd', 'even'])
  assert.is(r.step('print-evenness').log().trim(), '["odd","even","odd","even"]')
  assert.equal(
    r.steps({ parent: 'parameter-aggregation.divide-by-2' }).map((s) => [s.name, s.phase]).sort(),
    [['divide-by-2(0)', 'Skipped'], ['divide-by-2(1)', 'Succeeded'], ['divide-by-2(2)', 'Skipped'], ['divide-by-2(3)', 'Succeeded']],
  )
  assert.equal(logs(r, 'parameter-aggregation.print'), ['1', '2'])
})

test('status-reference: a continued failure is readable as a status', async () => {
  const r = await run(statusReference)
  assert.is(r.step('flakey-container').phase, 'Failed')
  assert.is(r.step('failed').log().trim(), 'the flakey container failed')
  assert.is(r.step('succeeded').phase, 'Skipped')
})

test('exit-code-output-variable: an exit code passed as an argument', async () => {
  const r = await run(exitCodeOutputVariable)
  assert.is(r.step('echo-container').log().trim(), 'Exit code was: 123')
})

test('parallelism-nested: four workers at once, each running a, b, c, d one after another', async () => {
  const r = await run(parallelismNested)
  const spans: [number, number][] = []
  for (let p = 0; p < 4; p++) {
    const jobs = [...r.steps({ parent: `parallel-worker.parallel-worker(${p}).seq-step` })].sort((a, b) => a.id.localeCompare(b.id))
    assert.equal(jobs.map((j) => j.log().trim()), ['a', 'b', 'c', 'd'].map((s) => `${p + 1} ${s}`))
    for (let k = 1; k < 4; k++) assert.ok(jobs[k - 1]!.record.finishedAt! <= jobs[k]!.record.startedAt!, `worker ${p}: job ${k} started before job ${k - 1} ended`)
    spans.push([Date.parse(jobs[0]!.record.startedAt!), Date.parse(jobs[3]!.record.finishedAt!)])
  }
  // the workers ran at the same time: each one's span overlaps every other's
  for (const [s1, e1] of spans) for (const [s2, e2] of spans) assert.ok(s1 < e2 && s2 < e1, 'two workers did not overlap')
})

test('a forEach over something that is not a list fails that step with a clear message', async () => {
  const { forEach, param, sh, shell, step, seq, t, workflow, stdout } = await import('dflow-ts')
  const gen = shell({ name: 'gen', outputs: { result: stdout(t.unknown) }, script: () => sh`echo '{"a": 1}'` })
  const echo = shell({ name: 'echo', inputs: { m: param(t.unknown) }, script: ({ m }) => sh`echo ${m}` })
  const g = step('gen', gen)
  const r = await local({ runsDir: tmp.path }).run(workflow('not-a-list', seq(g, forEach(g.outputs.result as never, (item) => step('each', echo, { m: item })))))
  assert.is(r.status, 'Failed')
  assert.is(r.step('each').phase, 'Error')
  assert.is(r.step('each').message, `forEach over "result": expected a JSON list, got ${JSON.stringify('{"a": 1}')}`)
})

test.run()
