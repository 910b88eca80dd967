/**
 * Caching by content: a leaf call whose identity — what it computes, not where it runs — matches an earlier
 * call's takes that call's outputs instead of running. Entries live in the store beside the artifacts.
 *
 * @example
 * ```ts
 * import { cached, callIdentity, entryKey, CACHE_PREFIX } from './lib/cache/index.ts'
 * const executor = cached(inner, { entries: store, artifacts: store, all: true })
 * ```
 *
 * @module
 */
export { cached, type CacheSettings } from './cached.ts'
export { callIdentity, templateDigests, type TemplateDigests } from './identity.ts'
export { CACHE_PREFIX, entryKey, readEntry, writeEntry, type CacheEntry } from './entry.ts'
export { digestOf, digestMemo } from './artifact-digest.ts'
