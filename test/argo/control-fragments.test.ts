import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { exitCode, expr, forEach, par, param, seq, sh, shell, status, step, t, when, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { compileChecked, templateNamed } from './support/checked.ts'
import { tempDir } from '../helpers/tmp.ts'

const tmp = tempDir('control-fragments')
test.after(tmp.cleanup)

const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
const fail = shell({ name: 'fail', script: () => sh`exit 5` })
const num = shell({ name: 'num', inputs: { n: param(t.number) }, script: ({ n }) => sh`echo ${n}` })

/** A status and an exit code read inside a generated template (a seq inside a par) are lifted into its inputs. */
const build = () => {
  const f = step('f', fail, {}, { continueOn: { failed: true } })
  const inner = seq(when(expr`${status(f)} == "Failed"`, step('a', echo, { m: 'saw failure' })), step('b', num, { n: exitCode(f) }))
  return workflow('fragments', seq(f, par(inner, forEach(['x', 'y'], (item) => step('c', echo, { m: item })))))
}

test('status and exit code of an outer step, read inside a generated template, run and compile', async () => {
  const r = await local({ runsDir: tmp.path }).run(build())
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('a').log().trim(), 'saw failure')
  assert.is(r.step('b').log().trim(), '5')
  const m = compileChecked(build())
  const frag = templateNamed(m, 'fragments-seq-1')
  assert.equal(frag.inputs?.parameters?.map((p) => p.name).sort(), ['f-exitCode', 'f-status'])
  assert.is(frag.steps![0]![0]!.when, "{{= inputs.parameters['f-status'] == 'Failed' }}")
  const call = templateNamed(m, 'fragments').steps![1]!.find((c) => c.name === 'seq-1')!
  assert.equal(call.arguments?.parameters, [
    { name: 'f-status', value: '{{steps.f.status}}', description: '{"type":"string"}' },
    { name: 'f-exitCode', value: '{{steps.f.exitCode}}', description: '{"type":"number"}' },
  ])
})

test.run()
