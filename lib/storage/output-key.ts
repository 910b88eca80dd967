import { createHash } from 'node:crypto'

/**
 * The key of a step's output artifact in a store: `<run id>/<step>/<artifact name>`, as dflow keys them
 * (`{{workflow.name}}/{{pod.name}}/<name>`, reference/s3.md §8) — deterministic, so a run's outputs can be
 * found from its records alone. A step id's `(i)` (a fan-out's call) becomes `=i`, which no name holds
 * (`loop.print(2)` → `loop.print=2`); an id over 200 bytes is cut and given a hash of the whole, as its
 * folder is.
 *
 * @example
 * ```ts
 * outputKey('steps-1', 'loop.print(2)', 'bar') // 'steps-1/loop.print=2/bar'
 * ```
 */
export const outputKey = (runId: string, stepId: string, name: string): string => {
  const step = stepId.replace(/\((\d+)\)/g, '=$1')
  const short = Buffer.byteLength(step) <= 200 ? step : `${step.slice(0, 120)}~${createHash('sha256').update(stepId).digest('hex').slice(0, 16)}`
  return `${runId}/${short}/${name}`
}
