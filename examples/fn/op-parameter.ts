/**
 * dflow's E9 (examples/test_op_parameter.py): parameter defaults. The OP prints msg repeated num times and
 * returns nothing; its output msg falls back to its default. Expected: Succeeded, the log holds
 * "hellohellohellohellohello", the output msg is "Hello dflow!".
 */
import { fn, param, step, t, workflow } from 'dflow-ts'

const hello = fn(
  {
    name: 'hello',
    module: import.meta.url,
    inputs: { msg: param(t.string, { default: 'hello' }), num: param(t.number, { default: 5 }) },
    outputs: { msg: param(t.string, { default: 'Hello dflow!' }) },
  },
  ({ msg, num }, ctx) => {
    ctx.log(msg.repeat(num))
    return {}
  },
)

export default workflow('op-parameter', step('hello', hello))
