/**
 * A retried sub-workflow: `attempt` runs `count` (which counts its runs in the file named by the workflow
 * parameter `counter` and prints the count) and then `check`, which fails while the count is below `pass`.
 * With `retry: { limit: 2 }` on the sub-workflow, a failed attempt runs both steps again from scratch (as
 * `retry(1).count`, `retry(1).check`, …). Expected with pass = 2: Succeeded after 2 attempts (the first one
 * Failed), the output `n` is the second attempt's, 2.
 */
import { param, seq, sh, shell, step, subflow, t, workflow, type Retry } from 'dflow-ts'

const count = shell({
  name: 'count',
  image: 'alpine:3.20',
  inputs: { counter: param(t.string) },
  outputs: { n: param(t.number, { path: 'n.txt' }) },
  script: ({ counter }, o) => sh`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${counter}; echo "$n" > ${o.n}`,
})

const check = shell({
  name: 'check',
  image: 'alpine:3.20',
  inputs: { n: param(t.number), pass: param(t.number) },
  script: ({ n, pass }) => sh`echo "run ${n}"; [ ${n} -ge ${pass} ]`,
})

/** The retried sub-workflow, with its retry (the test gives it a backoff). @example attemptWith({ limit: 2 }) */
export const attemptWith = (retry: Retry) =>
  subflow({
    name: 'attempt',
    inputs: { counter: param(t.string), pass: param(t.number) },
    retry,
    body: ({ counter, pass }) => {
      const c = step('count', count, { counter })
      const k = step('check', check, { n: c.outputs.n, pass })
      return { run: seq(c, k), outputs: { n: c.outputs.n } }
    },
  })

/** The workflow around a retried `attempt`. @example retrySubflow({ limit: 2, backoff: { duration: 0.3 } }) */
export const retrySubflow = (retry: Retry) =>
  workflow('retry-subflow', ({ counter, pass }) => step('retry', attemptWith(retry), { counter, pass }), {
    parameters: { counter: param(t.string, { default: '/tmp/retry-subflow-counter' }), pass: param(t.number, { default: 2 }) },
  })

export default retrySubflow({ limit: 2 })
