/**
 * dflow's E12 (tests/test_group_size.py), its outputs as parameters: `prepare` returns the numbers 1..17;
 * `process` is sliced over them in groups of 10 with a pool of 1 (dflow's `group_size=10, pool_size=1`): 2
 * calls, of 10 and 7 slices, each running the function OP's body once per slice, one at a time. Each slice
 * names its file (`<data>.txt`) and says "Hello"; the slices' outputs are stacked in slice order. Expected: 2
 * calls `process(0)` and `process(1)`, 17 slice records under them, `process.outputs.name` = `["1.txt", …,
 * "17.txt"]`, and `count` prints 17.
 */
import { fn, param, seq, slice, step, t, workflow } from 'dflow-ts'

const prepare = fn({ name: 'prepare', module: import.meta.url, outputs: { data: param(t.array(t.number)) } }, () => ({ data: Array.from({ length: 17 }, (_, i) => i + 1) }))

const process = fn(
  { name: 'process', module: import.meta.url, inputs: { data: param(t.number) }, outputs: { name: param(t.string), text: param(t.string) } },
  ({ data }) => ({ name: `${data}.txt`, text: 'Hello' }),
)

const count = fn({ name: 'count', module: import.meta.url, inputs: { names: param(t.array(t.string)) }, outputs: { n: param(t.number) } }, ({ names }, ctx) => {
  ctx.log(names.length)
  return { n: names.length }
})

export default workflow('group-size', () => {
  const prep = step('prepare', prepare)
  const processed = slice({ data: prep.outputs.data }, (s) => step('process', process, { data: s.data }), { groupSize: 10, poolSize: 1 })
  return seq(prep, processed, step('count', count, { names: processed.outputs.name }))
})
