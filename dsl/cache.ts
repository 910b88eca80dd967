import { problem, type Problem } from './problem.ts'

/**
 * Whether a leaf template's results may be taken from the cache instead of running it (pure data, like
 * `retry`). `true`: every call of the template is cached by content — a call whose identity (the template's
 * script, command, image, env, shipped packages or function bundle; its input values; its input artifacts'
 * content digests) matches an earlier call's takes that call's outputs. `false`: never cached, even in a run
 * started with `cache: true` (a step with side effects). Left out: the run decides (`run(wf, { cache: true })`,
 * `dflow run FILE --cache`). On Argo, `cache: true` compiles to the template's `memoize`.
 *
 * @example
 * ```ts
 * const train = shell({ name: 'train', cache: true, inputs: { lr: param(t.number) }, script: ({ lr }) => sh`python train.py ${lr}` })
 * const notify = shell({ name: 'notify', cache: false, script: () => sh`curl -X POST https://example.org/done` })
 * ```
 */
export interface CachePolicy {
  readonly cache?: boolean
}

/**
 * Whether a call of a template is cached in a run whose own setting is `runCache`: the template's
 * `cache` when it has one, else the run's.
 *
 * @example
 * ```ts
 * cachedIn({ cache: false }, true) // false
 * cachedIn({}, true)               // true
 * ```
 */
export const cachedIn = (t: CachePolicy, runCache: boolean): boolean => t.cache ?? runCache

/**
 * The problems of a template's `cache` field: it is a boolean when given (JavaScript callers can pass anything).
 *
 * @example
 * ```ts
 * cacheProblems({ cache: 'yes' } as never, ['templates', 'train']) // [{ path: ['templates', 'train', 'cache'], … }]
 * ```
 */
export const cacheProblems = (t: CachePolicy, path: readonly string[]): Problem[] =>
  t.cache === undefined || typeof t.cache === 'boolean'
    ? []
    : [problem([...path, 'cache'], `cache must be true or false, got ${JSON.stringify(t.cache)}`, 'write cache: true to take cached outputs, cache: false to always run, or leave it out to let the run decide')]
