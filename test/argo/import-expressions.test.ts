import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/** Argo expressions the importer evaluates beyond the DSL's conditions: retry expressions, withParam and argument expressions. */
const tmp = tempDir('argo-import-expressions')
test.after(tmp.cleanup)
const run = (doc: unknown, parameters: Record<string, string> = {}) => local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow, { parameters })

test('retryStrategy.expression decides whether a failed attempt is retried, reading lastRetry.* as strings (retry-conditional)', async () => {
  const retry = { limit: 3, expression: "asInt(lastRetry.exitCode) == 1 && lastRetry.status == 'Failed'" }
  const attempts = async (code: number) => {
    const r = await run(wf({ entrypoint: 'e', templates: [echo('e', `exit ${code}`, { retryStrategy: retry })] }))
    assert.is(r.status, 'Failed')
    return r.steps()[0]!.attempts.length
  }
  assert.is(await attempts(1), 4, 'exit 1 is retried up to the limit')
  assert.is(await attempts(2), 1, 'exit 2 is not retried')
  const bad = wf({ entrypoint: 'e', templates: [echo('e', 'exit 1', { retryStrategy: { limit: 1, expression: 'inputs.parameters.x == 1' } })] })
  assert.match(problemsOf(bad)[0]!, /^spec\.templates\.0\.retryStrategy\.expression: .*reads inputs\.parameters\.x: a retry expression reads lastRetry/)
})

const say = echo('say', 'echo {{inputs.parameters.m}}', { inputs: { parameters: [{ name: 'm' }] } })
const m = (v: string) => ({ parameters: [{ name: 'm', value: v }] })
/** A workflow whose step gen echoes `output`, then the given steps (which may call say). */
const afterGen = (output: string, steps: readonly unknown[][]) =>
  wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'gen', template: 'gen' }], ...steps] }, echo('gen', `echo '${output}'`), say] })
const results = (r: Awaited<ReturnType<typeof run>>, name: string) =>
  r.steps().filter((s) => s.type === 'Pod' && s.name.startsWith(`${name}(`)).sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => printed(s))

test('a withParam computed by an expression: let, map over a range, a map literal per item, # (what zipped slices compile to)', async () => {
  const withParam = "{{= let l = jsonpath(steps.gen.outputs.result, '$'); toJson(map(0..(len(l) - 1), { {'i': #, 'w': l[#], 'twice': # * 2} })) }}"
  const r = await run(afterGen('["a","b","c"]', [[{ name: 'use', template: 'say', arguments: { parameters: [{ name: 'm', value: '{{item.i}}-{{item.w}}-{{item.twice}}' }] }, withParam }]]))
  assert.is(r.status, 'Succeeded')
  assert.equal(results(r, 'use'), ['0-a-0', '1-b-2', '2-c-4'])
})

test('an argument computed with flatten (how a grouped slice\'s outputs are read): lists of lists at every depth', async () => {
  const r = await run(afterGen('[[1, 2], [3, [4]], []]', [[{ name: 'use', template: 'say', arguments: { parameters: [{ name: 'm', value: "{{=toJson(flatten(jsonpath(steps.gen.outputs.result, '$')))}}" }] } }]]))
  assert.is(r.status, 'Succeeded')
  assert.is(printed(r.steps({ name: 'use' })[0]!), '[1,2,3,4]')
})

test('jsonpath filters in expressions the importer evaluates itself (let, map) and in DSL ones; a path beyond the grammar is refused at import, naming where and why', async () => {
  const withParam = "{{= let l = jsonpath(steps.gen.outputs.result, '$[?(@.n > 1)].w'); toJson(map(0..(len(l) - 1), { {'w': l[#]} })) }}"
  const last = { name: 'last', template: 'say', arguments: { parameters: [{ name: 'm', value: "{{=jsonpath(steps.gen.outputs.result, '$[-1].w')}}" }] } }
  const r = await run(afterGen('[{"n":1,"w":"a"},{"n":2,"w":"b"},{"n":3,"w":"c"}]', [[{ name: 'use', template: 'say', arguments: { parameters: [{ name: 'm', value: '{{item.w}}' }] }, withParam }], [last]]))
  assert.is(r.status, 'Succeeded')
  assert.equal(results(r, 'use'), ['b', 'c'])
  assert.is(printed(r.steps({ name: 'last' })[0]!), 'c')
  const refused = (value: string) => problemsOf(wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'use', template: 'say', arguments: { parameters: [{ name: 'm', value }] } }]] }, say] }))[0]!
  assert.match(refused("{{=jsonpath('[1,2]', '$[(@.length-1)]')}}"), /jsonpath\(\) reads the path "\$\[\(@\.length-1\)\]" only as far as "\[\(@\.length-1\)\]": a script subscript/)
  assert.match(refused("{{= let l = jsonpath('[{\"a\":1}]', '$[?(@.a in [1])]'); len(l) }}"), /only as far as "in \[1\]\)\]": a filter ends with \)\]/)
})

test('a withParam or argument expression that does not parse, or calls an unknown function, names its path', () => {
  const doc = (withParam: string) => wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'use', template: 'say', arguments: { parameters: [{ name: 'm', value: '{{item}}' }] }, withParam }]] }, say] })
  assert.match(problemsOf(doc("{{= map(0..2, { 'i': # }) }}"))[0]!, /^spec\.templates\.0\.steps\.0\.0\.withParam: the expression .* does not parse: expected "\}"/)
  assert.match(problemsOf(doc('{{= toJson(sprout(1)) }}'))[0]!, /^spec\.templates\.0\.steps\.0\.0\.withParam: .*the function sprout is not one the local importer evaluates/)
  assert.match(problemsOf(doc('{{= toJson(map(0..2, #)) + unknown }}'))[0]!, /withParam: .*unknown name unknown/)
})

test('a raw artifact argument reaches a container and a steps template (a big parameter compiled by dflow)', async () => {
  const cat = { ...echo('cat', 'cat /tmp/in.txt'), inputs: { artifacts: [{ name: 'in', path: '/tmp/in.txt' }] } }
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'direct', template: 'cat', arguments: { artifacts: [{ name: 'in', raw: { data: 'hello raw' } }] } }],
            [{ name: 'nested', template: 'pass', arguments: { artifacts: [{ name: 'in', raw: { data: '{"msg":"hello"}' } }] } }],
          ],
        },
        { name: 'pass', inputs: { artifacts: [{ name: 'in' }] }, steps: [[{ name: 'inner', template: 'cat', arguments: { artifacts: [{ name: 'in', from: '{{inputs.artifacts.in}}' }] } }]] },
        cat,
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  assert.is(printed(r.steps({ name: 'direct' })[0]!), 'hello raw')
  assert.is(printed(r.steps({ name: 'inner' })[0]!), '{"msg":"hello"}')
  const tagged = wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'direct', template: 'cat', arguments: { artifacts: [{ name: 'in', raw: { data: '{{workflow.name}}' } }] } }]] }, cat] })
  assert.match(problemsOf(tagged)[0]!, /^spec\.templates\.0\.steps\.0\.0\.arguments\.artifacts\.0\.raw\.data: a raw artifact argument with \{\{…\}\} tags/)
})

test('govaluate: a pasted value compared with a number literal is compared as a number (fibonacci\'s `{{inputs.parameters.num}} != 1`); text that is no number errors the step', async () => {
  const doc = (n: string) =>
    wf({
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'n', value: n }] },
      templates: [
        {
          name: 'main',
          steps: [
            [
              { name: 'big', template: 'say', arguments: m('big'), when: '{{workflow.parameters.n}} > 9 && {{workflow.parameters.n}} != 12' },
              { name: 'small', template: 'say', arguments: m('small'), when: '{{workflow.parameters.n}} <= 9' },
            ],
          ],
        },
        say,
      ],
    })
  const phases = (r: Awaited<ReturnType<typeof run>>) => ['big', 'small'].map((n) => r.step(n).phase)
  assert.equal(phases(await run(doc('10'))), ['Succeeded', 'Skipped'], '10 > 9 as numbers (as texts, "10" < "9")')
  assert.equal(phases(await run(doc('12'))), ['Skipped', 'Skipped'])
  assert.equal(phases(await run(doc('3'))), ['Skipped', 'Succeeded'])
  const r = await run(doc('heads'))
  assert.is(r.status, 'Failed')
  assert.is(r.step('big').phase, 'Error')
  assert.match(r.step('big').message ?? '', /^when: "n": /)
})

test.run()
