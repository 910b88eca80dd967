/**
 * Argo's retry-backoff, made deterministic: the retry-script's counter, with a backoff of 1 s doubling up
 * to 5 s, at most 1 min in all (`backoff()` builds it with other times, for tests). Expected: Succeeded
 * after 3 attempts, waiting 1 s then 2 s between them.
 */
import { param, step, t, workflow, type Backoff } from 'dflow-ts'
import { counterScript } from './retry-script.ts'

/** The workflow with a given backoff. @example backoff({ duration: 0.1, factor: 2 }) */
export const backoff = (b: Backoff) =>
  workflow('retry-backoff', ({ counter }) => step('retry-backoff', counterScript('retry-backoff', { limit: 10, backoff: b }), { counter }), {
    parameters: { counter: param(t.string, { default: '/tmp/retry-backoff-counter' }) },
  })

export default backoff({ duration: 1, factor: 2, cap: 5, maxDuration: 60 })
