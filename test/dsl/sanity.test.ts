import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { render, sh } from 'dflow-ts'

test('sh renders a literal hole as a quoted environment variable', () => {
  const r = render(sh`echo ${'a b'}`)
  assert.is(r.text, 'echo "${dflow_lit_0}"')
  assert.equal(r.env, [{ name: 'dflow_lit_0', value: 'a b' }])
})

test.run()
