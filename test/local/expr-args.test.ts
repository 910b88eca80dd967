import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, expr, param, sh, shell, stdout, step, t, validate, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

/** An expression as a step's argument (Argo's `{{=…}}` and interpolated text as arguments): evaluated when the step starts. */
const tmp = tempDir('expr-args')
test.after(tmp.cleanup)

const gen = shell({ name: 'gen', outputs: { n: param(t.number, { path: 'n.txt' }), cfg: param(t.string, { path: 'c.txt' }) }, script: () => sh`echo 3 > n.txt; echo '{"a":"x","b":[1,2]}' > c.txt` })
const say = shell({ name: 'say', inputs: { m: param(t.string) }, outputs: { result: stdout(t.string) }, script: ({ m }) => sh`echo ${m}` })
const num = shell({ name: 'num', inputs: { k: param(t.number) }, outputs: { result: stdout(t.string) }, script: ({ k }) => sh`echo $((${k} + 1))` })

const wf = () => {
  const g = step('gen', gen)
  return workflow(
    'expr-args',
    dag(
      g,
      step('times', num, { k: expr`${g.outputs.n} * 10` }),
      step('text', say, { m: expr`"n=" + string(${g.outputs.n}) + "!"` }),
      step('path', say, { m: expr`jsonpath(${g.outputs.cfg}, '$.a')` }),
    ),
  )
}

test('an expression argument is evaluated when the step starts, and makes the step depend on what it reads', async () => {
  const r = await local({ runsDir: tmp.path }).run(wf())
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('times').outputs.result, '31')
  assert.is(r.step('text').outputs.result, 'n=3!')
  assert.is(r.step('path').outputs.result, 'x')
})

test('an expression argument compiles to an expr-lang tag, with its dependency', () => {
  const m = compile(wf()) as unknown as { spec: { templates: { name: string; dag?: { tasks: { name: string; depends?: string; dependencies?: string[]; arguments?: { parameters?: { name: string; value: string }[] } }[] } }[] } }
  const tasks = m.spec.templates.find((x) => x.dag)!.dag!.tasks
  const times = tasks.find((x) => x.name === 'times')!
  assert.is(times.arguments!.parameters![0]!.value, "{{= asFloat(tasks['gen'].outputs.parameters['n']) * 10 }}")
  assert.is(times.depends, 'gen')
})

test('an expression argument that reads a step not upstream, or an artifact input, is a validation problem', () => {
  const later = step('later', gen)
  const bad = workflow('bad', dag(step('early', say, { m: expr`string(${later.outputs.n})` })))
  assert.ok(validate(bad).length > 0)
})

test.run()
