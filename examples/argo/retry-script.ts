/**
 * Argo's retry-script, made deterministic: the script fails (exit 1) until it has run three times, counting
 * in the file named by the workflow parameter `counter`; `retry: { limit: 10 }` gets it through.
 * Expected: Succeeded after 3 attempts (2 failed).
 */
import { param, sh, shell, step, t, workflow } from 'dflow-ts'

export const retryScript = shell({
  name: 'retry-script',
  image: 'alpine:3.20',
  inputs: { counter: param(t.string) },
  retry: { limit: 10 },
  script: ({ counter }) => sh`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${counter}; echo "attempt $n"; [ "$n" -ge 3 ]`,
})

export default workflow('retry-script', ({ counter }) => step('retry-script', retryScript, { counter }), {
  parameters: { counter: param(t.string, { default: '/tmp/retry-script-counter' }) },
})
