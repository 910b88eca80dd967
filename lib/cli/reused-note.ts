import type { StepRecord } from '../run/records.ts'

/**
 * What `dflow steps` and a run's summary say of a step that did not run: where its outputs came from (the
 * cache, a restart, a reuse), or '' for a step that ran.
 *
 * @example
 * ```ts
 * reusedNote({ …, reused: { from: 'cache', run: 'steps-1', step: 'hello1', key: '_cache/duplicate/3b1f…' } }) // '(from the cache: steps-1 hello1) '
 * ```
 */
export const reusedNote = (r: Pick<StepRecord, 'reused'>): string => {
  const u = r.reused
  if (!u) return ''
  const from = u.from === 'cache' ? 'from the cache' : u.from === 'restart' ? 'kept by the restart' : 'reused'
  return `(${from}: ${u.run} ${u.step}) `
}
