/**
 * dflow's E15 (examples/test_success_ratio.py) as dflow writes it: one step fanned out over five items
 * with `continue_on_success_ratio=0.6`. Items listed in the workflow parameter `fail` raise a
 * TransientError. Expected: fail = [3, 4] → Succeeded, `hello0.outputs.item` = [0, 1, 2];
 * fail = [2, 3, 4] → Failed ("2 of 5 succeeded, 3 needed").
 */
import { forEach, param, step, t, workflow } from 'dflow-ts'
import { hello } from './success-ratio.ts'

export default workflow(
  'success-ratio-fanout',
  ({ fail }) => forEach([0, 1, 2, 3, 4], (item) => step('hello0', hello, { item, fail }), { continueOnSuccessRatio: 0.6 }),
  { parameters: { fail: param(t.array(t.number), { default: [3, 4] }) } },
)
