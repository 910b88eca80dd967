import { stat } from 'node:fs/promises'
import { sha256File, treeDigest, walkTree } from '../storage/digest.ts'
import { FILES, relativeTo, type ArtifactLocation } from '../storage/location.ts'
import type { ArtifactStore } from '../storage/store.ts'

/**
 * The content digest of an artifact where it lives, or `undefined` when it is gone or cannot be had: a
 * location of `store` by the digest its commit recorded (no content is read), a file or folder on this
 * machine (`file:///`, a `localArtifact`, an output left in its run folder) by hashing it — a file's digest
 * is `sha256:` and the sha256 of its bytes, a folder's is {@link treeDigest}, the same digests stores record.
 * A location of any other store has no digest here.
 *
 * @example
 * ```ts
 * await digestOf({ store: 'file:///', key: 'tmp/a.txt', path: '/tmp/a.txt' }, undefined) // 'sha256:5891b5b5…'
 * await digestOf({ store: 's3://b/', key: 'gone' }, s3)                                  // undefined
 * ```
 */
export const digestOf = async (at: ArtifactLocation, store: ArtifactStore | undefined): Promise<string | undefined> => {
  const inStore = store ? relativeTo(at, store.id) : undefined
  if (store && inStore) return (await store.stat(inStore))?.digest
  if (at.path === undefined || (at.store !== FILES && !at.store.startsWith('file:'))) return undefined
  try {
    const st = await stat(at.path)
    if (st.isFile()) return `sha256:${await sha256File(at.path)}`
    return st.isDirectory() ? treeDigest(await walkTree(at.path)) : undefined
  } catch {
    return undefined
  }
}

/**
 * {@link digestOf}, remembered per location for the life of the value (one run): an artifact is hashed once
 * however many steps read it. A digest found `undefined` is not remembered.
 *
 * @example
 * ```ts
 * const digests = digestMemo(store)
 * await digests(at) // hashed or read once, then from memory
 * ```
 */
export const digestMemo = (store: ArtifactStore | undefined): ((at: ArtifactLocation) => Promise<string | undefined>) => {
  const known = new Map<string, Promise<string | undefined>>()
  return (at) => {
    const k = `${at.store}\n${at.key}`
    const hit = known.get(k)
    if (hit) return hit
    const p = digestOf(at, store)
    known.set(k, p)
    void p.then((d) => d === undefined && known.delete(k))
    return p
  }
}
