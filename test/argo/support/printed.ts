import type { StepView } from 'dflow-ts/local'

/**
 * What a step printed (its log, one trailing newline dropped), read where Argo keeps no `outputs.result`: its
 * callers do not mention it (lib/argo/import/results-kept.ts). The steps read so print nothing on stderr.
 *
 * @example assert.is(printed(run.steps({ name: 'hello' })[0]!), 'hello world')
 */
export const printed = (s: StepView): string => s.log().replace(/\n$/, '')
