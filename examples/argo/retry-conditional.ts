/**
 * Argo's retry-conditional, made deterministic: the script exits 2 on its first two attempts and 1 on the
 * third (counting in the file named by the workflow parameter `counter`); the retry expression, Argo's,
 * retries only while the last exit code is above 1, the attempt did not error and took less than two
 * minutes — or while its message tells of a node shutdown. Argo's example also reads an input
 * (`{{inputs.parameters.safe-to-retry}} == true`); a DSL retry expression reads the last attempt only.
 * Expected: Failed after 3 attempts, exit codes 2, 2, 1.
 */
import { expr, lastRetry, param, sh, shell, step, t, workflow } from 'dflow-ts'

/** Argo's retry expression of this example, on the DSL's lastRetry variables. @example retry: { limit: 10, expression: retryWhen } */
export const retryWhen = expr`${lastRetry.exitCode} > 1 && ${lastRetry.status} != "Error" && ${lastRetry.duration} < 120 || ${lastRetry.message} =~ "imminent node shutdown|pod deleted"`

const retryScript = shell({
  name: 'retry-script',
  image: 'python:alpine3.23',
  inputs: { counter: param(t.string) },
  retry: { limit: 10, expression: retryWhen },
  script: ({ counter }) => sh`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${counter}; echo "attempt $n"; [ "$n" -ge 3 ] && exit 1; exit 2`,
})

export default workflow('retry-conditional', ({ counter }) => step('retry', retryScript, { counter }), {
  parameters: { counter: param(t.string, { default: '/tmp/retry-conditional-counter' }) },
})
