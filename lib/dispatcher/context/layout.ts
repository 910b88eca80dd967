import { createHash } from 'node:crypto'
import { posix } from 'node:path'

/** Where a run's and a step's files go under a context's root. @example layout('/scratch/me').step('r1', 'a') // '/scratch/me/r1/steps/a' */
export interface Layout {
  readonly run: (runId: string) => string
  readonly step: (runId: string, stepId: string) => string
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/**
 * A name usable as one path segment and in a batch job's header lines (letters, digits, `.`, `_`, `-`; no
 * spaces or quotes): the name itself when it already is one, else its safe characters and a hash of the whole
 * (so two different names never share a folder). Deterministic: a driver started again finds the same folder.
 *
 * @example
 * ```ts
 * segment('relax-0') // 'relax-0'
 * segment('loop(1).step') // 'loop-1-.step-eb3e371d'
 * ```
 */
export const segment = (name: string): string => {
  if (SAFE.test(name) && name !== '.' && name !== '..') return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80)
  return `${safe || 'x'}-${hash}`
}

/**
 * The deterministic layout under `root`: `ROOT/RUN` for a run, `ROOT/RUN/steps/STEP` for a step's work folder
 * (each id made a safe segment by {@link segment}).
 *
 * @example
 * ```ts
 * layout('/scratch/me/dflow').run('wf-1') // '/scratch/me/dflow/wf-1'
 * layout('/scratch/me/dflow').step('wf-1', 'hello') // '/scratch/me/dflow/wf-1/steps/hello'
 * ```
 */
export const layout = (root: string): Layout => ({
  run: (runId) => posix.join(root, segment(runId)),
  step: (runId, stepId) => posix.join(root, segment(runId), 'steps', segment(stepId)),
})
