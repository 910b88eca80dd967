/**
 * dflow's E5 (recursion with `when` and templated keys): `iter` adds one to its input in step `plus1`,
 * keyed `iter-N`, then calls itself with the new value while it is below `limit`. With iter 0 and limit
 * 5: pods keyed iter-0 … iter-4 (outputs 1 … 5), four `next` calls, and a fifth `next` Skipped.
 */
import { expr, key, param, recurse, seq, sh, shell, step, t, when, workflow } from 'dflow-ts'

const plus1 = shell({
  name: 'plus1',
  inputs: { iter: param(t.number) },
  outputs: { iter: param(t.number, { path: 'iter.txt' }) },
  script: ({ iter }, out) => sh`echo $((${iter} + 1)) > ${out.iter}`,
})

const iter = recurse({
  name: 'iter',
  inputs: { iter: param(t.number), limit: param(t.number) },
  body: ({ iter, limit }, self) => {
    const p = step('plus1', plus1, { iter }, { key: key`iter-${iter}` })
    return seq(p, when(expr`${p.outputs.iter} < ${limit}`, step('next', self, { iter: p.outputs.iter, limit })))
  },
})

export default workflow('recurse', step('iter', iter, { iter: 0, limit: 5 }))
