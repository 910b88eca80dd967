/**
 * dflow's E14 (examples/test_loop_slices.py), without its resubmission part, outputs as parameters: `hello0`
 * is sliced over `["f1.txt", "f2.txt"]` with the keys `hello-0-0`, `hello-0-1`; `check0` reads the stacked
 * outputs; `hello1` is sliced over an empty list (no call) with keys `hello-1-…`, and `check1` gets an empty
 * list; `hello2` runs the same slices grouped two to a call (one call), each slice still with its own key
 * (`hello-2-0`, `hello-2-1`) and record under the call. Expected: steps with keys hello-0-0, hello-0-1,
 * hello-2-0, hello-2-1 and none hello-1-…; check0 logs 2, check1 logs 0, check2 logs 2.
 */
import { fn, key, param, seq, slice, step, t, workflow } from 'dflow-ts'

const hello = fn(
  { name: 'hello', module: import.meta.url, inputs: { filename: param(t.string) }, outputs: { foo: param(t.string) } },
  ({ filename }, ctx) => ({ foo: `${ctx.key}:${filename}:foo` }),
)

const check = fn({ name: 'check', module: import.meta.url, inputs: { foo: param(t.array(t.string)) }, outputs: { path: param(t.array(t.string)) } }, ({ foo }, ctx) => {
  ctx.log(foo.length)
  return { path: [...foo] }
})

export default workflow('keyed-slices', () => {
  const hello0 = slice({ filename: ['f1.txt', 'f2.txt'] }, (s, i) => step('hello0', hello, { filename: s.filename }, { key: key`hello-0-${i}` }))
  const hello1 = slice({ filename: [] as string[] }, (s, i) => step('hello1', hello, { filename: s.filename }, { key: key`hello-1-${i}` }))
  const hello2 = slice({ filename: ['f1.txt', 'f2.txt'] }, (s, i) => step('hello2', hello, { filename: s.filename }, { key: key`hello-2-${i}` }), { groupSize: 2 })
  return seq(
    hello0,
    step('check0', check, { foo: hello0.outputs.foo }),
    hello1,
    step('check1', check, { foo: hello1.outputs.foo }),
    hello2,
    step('check2', check, { foo: hello2.outputs.foo }),
  )
})
