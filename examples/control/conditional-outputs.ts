/**
 * dflow's E7 (conditional outputs): `random` says whether it drew heads (here: false, as in dflow's test)
 * and writes two messages and two files; the sub-workflow `steps` exposes `msg` and `res` chosen by that
 * flag. Expected: `msg` is "tail" and `res` is the file holding "tail".
 */
import { artifact, expr, ifExpr, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const random = shell({
  name: 'random',
  outputs: {
    isHead: param(t.boolean, { path: 'is_head.txt' }),
    msg1: param(t.string, { path: 'msg1.txt' }),
    msg2: param(t.string, { path: 'msg2.txt' }),
    foo: artifact({ path: 'foo.txt' }),
    bar: artifact({ path: 'bar.txt' }),
  },
  script: (_, o) => sh`echo false > ${o.isHead}; echo head > ${o.msg1}; echo tail > ${o.msg2}; echo head > ${o.foo}; echo tail > ${o.bar}`,
})

const steps = subflow({
  name: 'steps',
  body: () => {
    const r = step('random', random)
    const isHead = expr`${r.outputs.isHead}`
    return { run: r, outputs: { msg: ifExpr(isHead, r.outputs.msg1, r.outputs.msg2), res: ifExpr(isHead, r.outputs.foo, r.outputs.bar) } }
  },
})

export default workflow('conditional', step('conditional', steps))
