/**
 * Argo's retry-script, made deterministic: the script fails (exit 1) until it has run three times, counting
 * in the file named by the workflow parameter `counter`; `retry: { limit: 10 }` gets it through.
 * Expected: Succeeded after 3 attempts (2 failed).
 */
import { param, sh, shell, step, t, workflow, type Retry } from 'dflow-ts'

/** The counting script as a template of a given name and retry (retry-backoff.ts uses it too). @example counterScript('retry-script', { limit: 10 }) */
export const counterScript = (name: string, retry: Retry) =>
  shell({
    name,
    image: 'alpine:3.20',
    inputs: { counter: param(t.string) },
    retry,
    script: ({ counter }) => sh`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > ${counter}; echo "attempt $n"; [ "$n" -ge 3 ]`,
  })

export default workflow('retry-script', ({ counter }) => step('retry-script', counterScript('retry-script', { limit: 10 }), { counter }), {
  parameters: { counter: param(t.string, { default: '/tmp/retry-script-counter' }) },
})
