/**
 * dflow's E15 (examples/test_success_ratio.py), made deterministic: five items, those listed in the
 * workflow parameter `fail` raise a TransientError; the group succeeds when 60% of the items do.
 * Expected: fail = [3, 4] → Succeeded (3 of 5); fail = [2, 3, 4] → Failed.
 */
import { fn, par, param, step, t, TransientError, workflow } from 'dflow-ts'

export const hello = fn(
  { name: 'hello', module: import.meta.url, inputs: { item: param(t.number), fail: param(t.array(t.number)) }, outputs: { item: param(t.number) } },
  ({ item, fail }) => {
    if (fail.includes(item)) throw new TransientError(`item ${item} failed`)
    return { item }
  },
)

export default workflow(
  'success-ratio',
  ({ fail }) => par.withOptions({ continueOnSuccessRatio: 0.6 })(...[0, 1, 2, 3, 4].map((i) => step(`hello0-${i}`, hello, { item: i, fail }))),
  { parameters: { fail: param(t.array(t.number), { default: [3, 4] }) } },
)
