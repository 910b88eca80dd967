import { FILES, relativeTo, type ArtifactLocation } from './location.ts'
import type { ArtifactStore } from './store.ts'
import { openStore } from './store-url.ts'

/**
 * The stores a run reads artifacts from: its own store, and any other store a location names (a workflow
 * artifact given as a REF of another bucket or folder store), opened once from the environment.
 *
 * @example
 * ```ts
 * const stores = storeSet(run store, process.env)
 * const [store, here] = stores.holding(parseRef('s3://inputs/data.tgz'))
 * await store.get(here, '/tmp/in/data')
 * await stores.close() // closes the stores it opened, not the run's own
 * ```
 */
export interface StoreSet {
  /**
   * The store that holds `at`, and `at` as that store's location: the run's own store when its root holds
   * it (see {@link relativeTo}: `s3://b/runs/x.tgz` is key `x` of the store `s3://b/runs/`), else the store
   * `at.store` names. A location of the file system itself ({@link FILES}) has no store to read it from.
   */
  holding(at: ArtifactLocation): readonly [ArtifactStore, ArtifactLocation]
  /** Closes the stores it opened (the run's own store is the caller's). */
  close(): Promise<void>
}

/**
 * Makes a {@link StoreSet} around the run's store (none: every location is read with the store it names).
 *
 * @example storeSet(folderStore('/runs/store'), process.env).holding({ store: 'file:///runs/store', key: 'k' })[0].id // 'file:///runs/store'
 */
export const storeSet = (own: ArtifactStore | undefined, env: Readonly<Record<string, string | undefined>>): StoreSet => {
  const opened = new Map<string, ArtifactStore>()
  return {
    holding: (at) => {
      const here = own && relativeTo(at, own.id)
      if (own && here) return [own, here]
      if (at.store === FILES) throw new Error(`${at.key}: a file on this machine without its path cannot be read from a store`)
      let other = opened.get(at.store)
      if (!other) opened.set(at.store, (other = openStore(at.store, env)))
      return [other, at]
    },
    close: async () => {
      for (const s of opened.values()) await s.close()
      opened.clear()
    },
  }
}
