import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { local } from 'dflow-ts/local'
import { compileChecked as compile } from '../argo/support/checked.ts'
import e7 from '../../examples/control/conditional-outputs.ts'
import conditionalParameters from '../../examples/argo/conditional-parameters.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('conditional outputs')
const tmp = tempDir('conditional-outputs')
test.after(tmp.cleanup)

test('E7: msg is "tail" and res is the bar file, on the Steps step "conditional"', async () => {
  const r = await local({ runsDir: tmp.path }).run(e7)
  assert.is(r.status, 'Succeeded', r.message)
  const c = r.step('conditional')
  assert.is(c.type, 'Steps')
  assert.is(c.outputs.msg, 'tail')
  assert.match((c.outputs.res as { path: string }).path, /bar\.txt$/)
  assert.is(readFileSync((c.outputs.res as { path: string }).path, 'utf8'), 'tail\n')
})

test('conditional-parameters: stepresult equals the coin, whichever side it falls', async () => {
  for (const [seed, side] of [[1, 'tails'], [2, 'heads']] as const) {
    const r = await local({ runsDir: tmp.path }).run(conditionalParameters, { parameters: { seed } })
    assert.is(r.status, 'Succeeded', r.message)
    assert.is(r.step('main').outputs.stepresult, side)
  }
})

test('Argo: a chosen parameter is valueFrom.expression, a chosen artifact fromExpression', () => {
  const t = compile(e7).spec.templates.find((x) => x.name === 'steps')!
  const cond = "((steps['random'].outputs.parameters['isHead'] == 'true'))"
  assert.equal(t.outputs?.parameters?.[0]?.valueFrom, { expression: `${cond} ? steps['random'].outputs.parameters['msg1'] : steps['random'].outputs.parameters['msg2']` })
  assert.is((t.outputs?.artifacts?.[0] as { fromExpression?: string }).fromExpression, `${cond} ? steps['random'].outputs.artifacts['foo'] : steps['random'].outputs.artifacts['bar']`)
})

test.run()
