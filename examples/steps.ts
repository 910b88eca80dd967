/**
 * dflow's E3 (examples/test_steps.py): shell steps in sequence and in parallel.
 * Expected: hello0.msg = 1, hello1.msg = 2, hello2.msg = hello3.msg = 4 (numbers, decoded);
 * hello3's bar holds "Hello\n" four times.
 */
import { artifact, par, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'

export const hello = shell({
  name: 'hello',
  image: 'alpine:3.20',
  outputs: { msg: param(t.number, { path: 'result.txt' }), bar: artifact({ path: 'bar.txt' }) },
  script: () => sh`echo Hello > bar.txt && echo 1 > result.txt`,
})

export const duplicate = shell({
  name: 'duplicate',
  image: 'alpine:3.20',
  inputs: { msg: param(t.number), foo: artifact() },
  outputs: { msg: param(t.number, { path: 'result.txt' }), bar: artifact({ path: 'bar.txt' }) },
  script: ({ msg, foo }) => sh`cat ${foo} ${foo} > bar.txt; echo $((${msg} * 2)) > result.txt`,
})

const h0 = step('hello0', hello)
const h1 = step('hello1', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar })

export default workflow(
  'steps',
  seq(
    h0,
    h1,
    par(step('hello2', duplicate, { msg: h1.outputs.msg, foo: h1.outputs.bar }), step('hello3', duplicate, { msg: h1.outputs.msg, foo: h1.outputs.bar })),
  ),
)
