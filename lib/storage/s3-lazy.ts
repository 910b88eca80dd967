import type { S3StoreOptions } from './s3-client.ts'
import { s3Place } from './s3-place.ts'
import type { ArtifactStore } from './store.ts'

/**
 * An S3 store whose client (the AWS SDK, a tenth of a second to load) is loaded when the store is first used:
 * what `openStore` gives for an `s3://` URL, so that a command that only names a store, or never reaches it,
 * starts without the SDK. The same store as `s3Store` in every other way.
 *
 * @example
 * ```ts
 * const store = lazyS3Store({ bucket: 'artifacts', prefix: 'runs/' })
 * store.id // 's3://artifacts/runs/', the SDK not loaded yet
 * await store.put('out/', 'wf-1/hello/out') // loads it
 * ```
 */
export const lazyS3Store = (o: S3StoreOptions): ArtifactStore => {
  let store: Promise<ArtifactStore> | undefined
  const loaded = () => (store ??= import('./s3-store.ts').then((m) => m.s3Store(o)))
  return {
    id: s3Place(o).id,
    put: async (...a) => (await loaded()).put(...a),
    get: async (...a) => (await loaded()).get(...a),
    stack: async (...a) => (await loaded()).stack(...a),
    stat: async (...a) => (await loaded()).stat(...a),
    exists: async (...a) => (await loaded()).exists(...a),
    close: async () => (store ? (await store).close() : undefined),
  }
}
