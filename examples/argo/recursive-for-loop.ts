/**
 * Argo's recursive-for-loop.yaml: `loop(counter, limit)` prints counter + 1 and calls itself with the
 * result while it is below the limit. From plan: loop(0, 10) prints 1 … 10 in 10 nested levels.
 */
import { expr, param, py, recurse, script, seq, step, stdout, subflow, t, when, workflow } from 'dflow-ts'

const counterIteration = script({
  name: 'counter-iteration',
  image: 'python:alpine3.23',
  inputs: { counter: param(t.number) },
  outputs: { result: stdout(t.number) },
  source: ({ counter }) => py`print(int(${counter}) + 1)`,
})

const loop = recurse({
  name: 'loop',
  inputs: { counter: param(t.number), limit: param(t.number) },
  body: ({ counter, limit }, self) => {
    const it = step('iterate-counter', counterIteration, { counter })
    return seq(it, when(expr`${it.outputs.result} < ${limit}`, step('continue', self, { counter: it.outputs.result, limit })))
  },
})

const plan = subflow({ name: 'plan', body: () => step('recurse', loop, { counter: 0, limit: 10 }) })

export default workflow('recursive-loop', step('plan', plan))
