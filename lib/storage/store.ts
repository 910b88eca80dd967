import type { ArtifactInfo, ArtifactLocation, Committed } from './location.ts'

/** How {@link ArtifactStore.put} stores an artifact. @example { archive: 'none', signal: AbortSignal.timeout(60_000) } */
export interface PutOptions {
  /**
   * `tar` (the default, Argo's): one tar+gzip object whose single top-level entry is the file or folder;
   * `none`: a file as one object, a folder as one object per file. The folder store keeps content as it is.
   */
  readonly archive?: 'tar' | 'none'
  /** Stops the upload; nothing is committed, an incomplete multipart upload is aborted. */
  readonly signal?: AbortSignal
}

/** Options of {@link ArtifactStore.get}. @example { signal } */
export interface GetOptions {
  readonly signal?: AbortSignal
}

/**
 * Where artifacts live: a folder on this machine or an S3 bucket. An artifact becomes visible only when
 * committed: until `put` resolves, `stat`, `exists` and `get` see nothing under its key (or what was
 * committed there before), and a killed upload or a partial object left on a server is never read as an
 * artifact. Each store says in its file how it commits.
 *
 * @example
 * ```ts
 * const store = folderStore('/runs/store')           // or s3Store({ bucket: 'artifacts', prefix: 'runs/' })
 * const { at, info } = await store.put('out/', 'wf-1/hello/out')
 * await store.stat('wf-1/hello/out')                 // { kind: 'folder', archive: 'tar', size: 12, digest: 'sha256:…' }
 * await store.get(at, '/tmp/inputs/out')             // /tmp/inputs/out is the folder again
 * await store.stack([at0, undefined, at2], 'wf-1/fan/out') // a folder: 0, 2, .dflow/catalog
 * ```
 */
export interface ArtifactStore {
  /** `file:///DIR` or `s3://BUCKET/PREFIX/`: what {@link ArtifactLocation.store} holds. */
  readonly id: string
  /**
   * Stores the file or folder at `localPath` under `key` and commits it (replacing what was committed there).
   * Resolves once it is committed, with its location and info (digest included).
   */
  put(localPath: string, key: string, options?: PutOptions): Promise<Committed>
  /**
   * Writes the artifact committed under the location's key (or `key`) to `localPath`, which must not exist
   * (its parent is made). `localPath` appears whole or not at all. S3 content is checked against its digest.
   */
  get(at: ArtifactLocation | string, localPath: string, options?: GetOptions): Promise<ArtifactInfo>
  /**
   * Commits under `key` one list artifact of `parts` (the fan-in of a fan-out; `parts[i]` is item `i`'s
   * artifact, `undefined` for a call that did not succeed): a folder whose entry `i` is part `i` — file or
   * folder, holes left out — and a catalog in dflow's format recording their order (lib/storage/stack.ts).
   * Parts are locations (or keys) of this store.
   */
  stack(parts: readonly (ArtifactLocation | string | undefined)[], key: string, options?: PutOptions): Promise<Committed>
  /** What is committed under the key, or `undefined` when nothing is. */
  stat(at: ArtifactLocation | string): Promise<ArtifactInfo | undefined>
  /** Whether something is committed under the key. */
  exists(at: ArtifactLocation | string): Promise<boolean>
  /** Releases connections (S3); the store is not used afterwards. */
  close(): Promise<void>
}

/** The key of a location or key argument. @example keyOf({ store: 's3://b/', key: 'k' }) // 'k' */
export const keyOf = (at: ArtifactLocation | string): string => (typeof at === 'string' ? at : at.key)
