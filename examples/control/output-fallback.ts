/**
 * Argo's skipped-output-defaults/expression-fallback in the DSL: a DAG's outputs computed by expressions over
 * its tasks' outputs when it ends. `producer` is skipped (its condition is false) and declares no default,
 * so its `msg` reads as nil and `??` gives the fallback; `count` ran, so `next` is its `n` plus one.
 * Expected: `result` is "expr-fallback", `next` is 42.
 */
import { dag, expr, exprOutput, param, sh, shell, step, subflow, t, when, workflow } from 'dflow-ts'

const produce = shell({ name: 'produce', outputs: { msg: param(t.string, { path: 'out.txt' }) }, script: (_, o) => sh`echo real-value > ${o.msg}` })
const count = shell({ name: 'count', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: (_, o) => sh`echo 41 > ${o.n}` })

const main = subflow({
  name: 'main',
  body: () => {
    const producer = when(expr`false`, step('producer', produce))
    const c = step('count', count)
    return {
      run: dag(producer, c),
      outputs: {
        result: exprOutput(expr`${producer.outputs.msg} ?? "expr-fallback"`, t.string),
        next: expr`${c.outputs.n} + 1`,
      },
    }
  },
})

export default workflow('expression-fallback', step('main', main))
