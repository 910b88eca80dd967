/**
 * Artifact stores: where artifacts live — a folder on this machine (the default) or an S3 bucket — behind
 * one interface, {@link ArtifactStore}. Artifacts are {@link ArtifactLocation}s (a store and a key), and one
 * is visible only once committed; `local({ store })` commits step outputs to one and stages inputs from it;
 * lists and records of paths travel as folders with a catalog in dflow's format, a fan-in as a stack;
 * `upload` / `download` are dflow's `upload_artifact` / `download_artifact`.
 *
 * @example
 * ```ts
 * import { openStore } from './lib/storage/index.ts'
 * const store = openStore('s3://artifacts/runs', process.env)
 * const { at } = await store.put('out/', 'wf-1/hello/out')
 * await store.get(at, '/tmp/in/out')
 * const ref = formatRef((await upload(['a.txt', 'b.txt'], { store })).at) // 's3://artifacts/runs/upload/sha256-….tgz'
 * await download(parseRef(ref), 'in') // ['in/a.txt', 'in/b.txt']
 * ```
 */
export { artifactLocation, checkKey, relativeTo, type ArtifactInfo, type ArtifactLocation, type Committed } from './location.ts'
export { keyOf, type ArtifactStore, type GetOptions, type PutOptions } from './store.ts'
export { StoreError, type StoreErrorReason } from './errors.ts'
export { folderStore } from './folder-store.ts'
export { s3Store } from './s3-store.ts'
export type { S3StoreOptions, S3Verify } from './s3-client.ts'
export { openStore, parseStoreUrl, type StoreConfig } from './store-url.ts'
export { DamagedArchiveError, extractTar, packTar, UnsafeEntryError } from './tar.ts'
export { treeDigest, walkTree, type TreeEntry } from './digest.ts'
export { assemble, catalogText, parseCatalog, readCatalog, writeCatalog, CATALOG_DIR, type CatalogItem, type PathTree } from './catalog.ts'
export { download, downloadPath, formatRef, parseRef, upload, type DownloadOptions, type UploadOptions } from './transfer.ts'
