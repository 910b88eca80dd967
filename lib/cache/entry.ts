import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FILES } from '../storage/location.ts'
import type { Outputs } from '../engine/values.ts'
import type { IoRecord } from '../run/records.ts'
import type { ArtifactStore } from '../storage/store.ts'

/**
 * One cache entry: what a call with this identity produced, where its artifacts are (they stay where the call
 * committed them: the entry only names them), and their content digests when it was made.
 *
 * @example
 * ```json
 * { "dflow": "cache/1", "identity": "sha256:3b1f…", "template": "duplicate", "run": "steps-1", "step": "hello1",
 *   "createdAt": "2026-12-01T10:15:00.000Z", "exitCode": 0, "outputs": { "msg": { "kind": "param", "wire": "2" } },
 *   "record": { "parameters": { "msg": "2" }, "values": { "msg": 2 }, "artifacts": {} }, "digests": {} }
 * ```
 */
export interface CacheEntry {
  readonly dflow: 'cache/1'
  readonly identity: string
  readonly template: string
  /** The run and step whose call made it. */
  readonly run: string
  readonly step: string
  readonly createdAt: string
  readonly exitCode?: number
  /** The outputs as siblings read them. */
  readonly outputs: Outputs
  /** The outputs as the step's record keeps them. */
  readonly record: IoRecord
  /** Each output artifact's content digest (`sha256:…`), by name. */
  readonly digests: Readonly<Record<string, string>>
}

/** Where cache entries go in the store that holds them, unless told: `_cache/` (no run id starts with `_`). @example CACHE_PREFIX // '_cache' */
export const CACHE_PREFIX = '_cache'

/**
 * The key of a call's entry: `PREFIX/<template name>/<hex of its identity>` — deterministic, so a later run
 * finds it from the identity alone, and the entries of one template can be removed together.
 *
 * @example
 * ```ts
 * entryKey('_cache', 'duplicate', 'sha256:3b1f…') // '_cache/duplicate/3b1f…'
 * entryKey('', 'duplicate', 'sha256:3b1f…')       // 'duplicate/3b1f…'
 * ```
 */
export const entryKey = (prefix: string, template: string, identity: string): string => `${prefix ? `${prefix}/` : ''}${template}/${identity.replace(/^sha256:/, '')}`

/**
 * Reads the entry under `key`, or `undefined` when there is none (or it is not an entry of this format). A
 * folder store's is read in place (one read: a hit costs less than starting a process); another store's through `get`.
 *
 * @example
 * ```ts
 * await readEntry(store, '_cache/duplicate/3b1f…') // { dflow: 'cache/1', … } or undefined
 * ```
 */
export const readEntry = async (store: ArtifactStore, key: string): Promise<CacheEntry | undefined> => {
  // A folder store's entry is the file KEY/content under its root (folder-store.ts): read it in one call.
  if (store.id.startsWith('file://') && store.id !== FILES) {
    try {
      const e = JSON.parse(await readFile(join(fileURLToPath(store.id), ...key.split('/'), 'content'), 'utf8')) as CacheEntry
      return e?.dflow === 'cache/1' ? e : undefined
    } catch {
      return undefined
    }
  }
  if (!(await store.exists(key))) return undefined
  const dir = await mkdtemp(join(tmpdir(), 'dflow-cache-'))
  try {
    await store.get(key, join(dir, 'entry.json'))
    const e = JSON.parse(await readFile(join(dir, 'entry.json'), 'utf8')) as CacheEntry
    return e?.dflow === 'cache/1' ? e : undefined
  } catch {
    return undefined
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Commits an entry under `key` (one small object; a later entry of the same identity replaces it).
 *
 * @example
 * ```ts
 * await writeEntry(store, entryKey(CACHE_PREFIX, e.template, e.identity), e)
 * ```
 */
export const writeEntry = async (store: ArtifactStore, key: string, e: CacheEntry): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'dflow-cache-'))
  try {
    await writeFile(join(dir, 'entry.json'), `${JSON.stringify(e)}\n`, { mode: 0o600 })
    await store.put(join(dir, 'entry.json'), key, { archive: 'none' })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
