import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, expr, forEach, on, or, param, seq, sh, shell, step, stdout, t, when, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { compileChecked } from '../argo/support/checked.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: when, skipped outputs, stdout results')
const tmp = tempDir('when')
test.after(tmp.cleanup)

const produceWithDefault = shell({ name: 'produce-d', outputs: { msg: param(t.string, { path: 'out.txt', default: 'fallback-from-producer' }) }, script: (_, o) => sh`echo real-value > ${o.msg}` })
const produce = shell({ name: 'produce', outputs: { msg: param(t.string, { path: 'out.txt' }) }, script: (_, o) => sh`echo real-value > ${o.msg}` })
const consumeWithDefault = shell({ name: 'consume-d', inputs: { in: param(t.string, { default: 'fallback-from-input' }) }, script: (i) => sh`echo "consumer got: [${i.in}]"` })
const consume = shell({ name: 'consume', inputs: { in: param(t.string) }, script: (i) => sh`echo "consumer got: [${i.in}]"` })

const skippedThen = (producer: typeof produce | typeof produceWithDefault, consumer: typeof consume | typeof consumeWithDefault) => {
  const p = when(expr`false`, step('producer', producer))
  const c = step('consumer', consumer, { in: p.outputs.msg }, { depends: or(on(p, 'Succeeded'), on(p, 'Skipped')) })
  return workflow('skipped-defaults', dag(p, c))
}

test("skipped-output-defaults: a skipped producer's declared output default reaches its consumer", async () => {
  const r = await local({ runsDir: tmp.path }).run(skippedThen(produceWithDefault, consume))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('producer').phase, 'Skipped')
  assert.is(r.step('producer').outputs.msg, 'fallback-from-producer')
  assert.is(r.step('consumer').log().trim(), 'consumer got: [fallback-from-producer]')
})

test("skipped-output-defaults: without one, the consumer's input default applies", async () => {
  const r = await local({ runsDir: tmp.path }).run(skippedThen(produce, consumeWithDefault))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('consumer').log().trim(), 'consumer got: [fallback-from-input]')
  compileChecked(skippedThen(produce, consumeWithDefault))
})

test('without either, the consumer errors with a message naming the producer', async () => {
  const r = await local({ runsDir: tmp.path }).run(skippedThen(produce, consume))
  assert.is(r.step('consumer').phase, 'Error')
  assert.match(r.step('consumer').message!, 'from step "producer"')
})

test('stdout(): the printed value, one newline trimmed, decoded; the log still has it', async () => {
  const count = shell({ name: 'count', outputs: { result: stdout(t.number) }, script: () => sh`echo 42; echo note >&2` })
  const twice = shell({ name: 'twice', inputs: { n: param(t.number) }, outputs: { result: stdout(t.number) }, script: ({ n }) => sh`echo $((${n} * 2))` })
  const c = step('count', count)
  const r = await local({ runsDir: tmp.path }).run(workflow('stdout', seq(c, when(expr`${c.outputs.result} > 9`, step('twice', twice, { n: c.outputs.result })))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('count').outputs.result, 42)
  assert.is(r.step('twice').outputs.result, 84)
  assert.match(r.step('count').log(), 'note')
  assert.match(r.step('count').log(), '42')
})

test('numbers compare as numbers: "10" > "9" when declared t.number', async () => {
  const ten = shell({ name: 'ten', outputs: { result: stdout(t.number) }, script: () => sh`echo 10` })
  const hi = shell({ name: 'hi', script: () => sh`echo hi` })
  const s = step('ten', ten)
  const r = await local({ runsDir: tmp.path }).run(workflow('numeric', seq(s, when(expr`${s.outputs.result} > 9`, step('hi', hi)))))
  assert.is(r.step('hi').phase, 'Succeeded')
})

test('when around a composite node: all of it runs, or all of it is Skipped; Argo calls a generated template under when', async () => {
  const num = shell({ name: 'num', inputs: { n: param(t.number) }, outputs: { result: stdout(t.number) }, script: ({ n }) => sh`echo ${n}` })
  const say = shell({ name: 'say', inputs: { m: param(t.string) }, outputs: { m: param(t.string, { path: 'm.txt', default: 'none' }) }, script: ({ m }) => sh`echo ${m} | tee m.txt` })
  const build = (n: number) => {
    const g = step('gen', num, { n })
    const a = step('a', say, { m: 'first' })
    const b = step('b', say, { m: a.outputs.m })
    const c = step('c', say, { m: b.outputs.m })
    return workflow('when-seq', seq(g, when(expr`${g.outputs.result} > 5`, seq(a, b)), c))
  }
  const big = await local({ runsDir: tmp.path }).run(build(7))
  assert.is(big.status, 'Succeeded', big.message)
  assert.equal(['a', 'b', 'c'].map((n) => big.step(n).log().trim()), ['first', 'first', 'first'])
  const small = await local({ runsDir: tmp.path }).run(build(3))
  assert.is(small.status, 'Succeeded', small.message)
  assert.equal(['a', 'b'].map((n) => small.step(n).phase), ['Skipped', 'Skipped'])
  assert.is(small.step('c').log().trim(), 'none') // b's declared default
  const m = compileChecked(build(3))
  const call = m.spec.templates[0]!.steps![1]![0]!
  assert.is(call.when, "{{= asFloat(steps['gen'].outputs.result) > 5 }}")
  assert.is(call.template, 'when-seq-when-1')
  assert.equal(m.spec.templates[0]!.steps![2]![0]!.arguments?.parameters, [{ name: 'm', value: '{{steps.when-1.outputs.parameters.b-m}}' }])
})

test('a fan-out over an empty list is Skipped, and its dependents run', async () => {
  const gen = shell({ name: 'gen-empty', outputs: { result: stdout(t.array(t.string)) }, script: () => sh`echo '[]'` })
  const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
  const g = step('gen', gen)
  const r = await local({ runsDir: tmp.path }).run(workflow('empty-fan', seq(g, forEach(g.outputs.result, (item) => step('each', echo, { m: item })), step('after', echo, { m: 'after' }))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('each').phase, 'Skipped')
  assert.is(r.step('after').log().trim(), 'after')
})

test('=~ in a when: a regular expression on a step\'s output, locally and compiled as expr-lang\'s matches', async () => {
  const say = shell({ name: 'say', outputs: { result: stdout(t.string) }, script: () => sh`echo "pod deleted by the node"` })
  const hi = shell({ name: 'hi', script: () => sh`echo hi` })
  const s = step('say', say)
  const yes = when(expr`${s.outputs.result} =~ "imminent node shutdown|pod deleted"`, step('yes', hi))
  const no = when(expr`${s.outputs.result} =~ "^deleted"`, step('no', hi))
  const wf = workflow('regex-when', seq(s, yes, no))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('yes').phase, 'Succeeded')
  assert.is(r.step('no').phase, 'Skipped')
  const m = compileChecked(wf)
  assert.match(JSON.stringify(m), "matches 'imminent node shutdown|pod deleted'")
})

test.run()
