import { DflowError, problem } from '../../dsl/problem.ts'
import type { treeDigest } from './digest.ts'

/**
 * Where an artifact lives: the store that holds it and its key there — never a bare local path. Plain data
 * (it goes into journals and run records as JSON). A folder store's locations also carry `.path`, the
 * committed content on this machine, which local steps can read in place.
 *
 * @example
 * ```ts
 * const at: ArtifactLocation = { store: 's3://artifacts/runs/', key: 'wf-1/hello/bar' }
 * const here: ArtifactLocation = { store: 'file:///runs/store', key: 'wf-1/hello/bar', path: '/runs/store/wf-1/hello/bar/content' }
 * ```
 */
export interface ArtifactLocation {
  /** The store's id: `file:///DIR` or `s3://BUCKET/PREFIX/` (see {@link ArtifactStore.id}). */
  readonly store: string
  /** The artifact's key in the store: `/`-separated segments (see {@link checkKey}). */
  readonly key: string
  /** Folder store only: the committed file or folder on this machine. */
  readonly path?: string
  /**
   * Set for a part of the artifact under `key` (a slice's item of a list artifact): its path inside it
   * (`.path`, when there is one, is then the part's own path on this machine).
   */
  readonly part?: string
}

/** What was committed under a key. @example { kind: 'file', archive: 'none', size: 6, digest: 'sha256:5891…' } */
export interface ArtifactInfo {
  /** A single file or a folder tree. */
  readonly kind: 'file' | 'folder'
  /** How the content is stored: one tar+gzip object (Argo's default) or as it is. */
  readonly archive: 'tar' | 'none'
  /** Bytes of content (the sum over a folder's files). */
  readonly size: number
  /** The content digest, `sha256:<hex>` (see {@link treeDigest}); independent of the archive format. */
  readonly digest: string
}

/** An artifact just committed: its location and what it holds. @example const { at, info } = await store.put('out.txt', 'wf/s/out') */
export interface Committed {
  readonly at: ArtifactLocation
  readonly info: ArtifactInfo
}

/** The id of the file system itself as a store: a location of it is a file or folder left where it is. @example FILES // 'file:///' */
export const FILES = 'file:///'

/**
 * The location of a file or folder where it is on this machine (the store {@link FILES}, the key its path
 * without the leading `/`, and `.path`): what a `localArtifact` is, and where a local step's output stays when
 * the run is given no store — nothing is copied.
 *
 * @example
 * ```ts
 * fileLocation('/runs/x/steps/hello/workdir/bar.txt') // { store: 'file:///', key: 'runs/x/steps/hello/workdir/bar.txt', path: '/runs/x/steps/hello/workdir/bar.txt' }
 * ```
 */
export const fileLocation = (path: string): ArtifactLocation => artifactLocation(FILES, path.replace(/^\/+/, ''), path)

/** Whether a value is an {@link ArtifactLocation} (as records and views hold them). @example isLocation({ store: 'file:///', key: 'x', path: '/x' }) // true */
export const isLocation = (v: unknown): v is ArtifactLocation =>
  typeof v === 'object' && v !== null && typeof (v as ArtifactLocation).store === 'string' && typeof (v as ArtifactLocation).key === 'string'

/** Builds a frozen {@link ArtifactLocation}. @example artifactLocation('s3://b/p/', 'wf/s/out') */
export const artifactLocation = (store: string, key: string, path?: string): ArtifactLocation =>
  Object.freeze(path === undefined ? { store, key } : { store, key, path })

/**
 * The same artifact as a location of the store `storeId`, when that store holds it: a location of a store
 * whose root is inside `storeId`'s (a REF `s3://b/runs/k` read with the store `s3://b/runs/`) or the same
 * store; undefined when `storeId` does not hold it.
 *
 * @example relativeTo({ store: 's3://b/', key: 'runs/upload/x' }, 's3://b/runs/') // { store: 's3://b/runs/', key: 'upload/x' }
 */
export const relativeTo = (at: ArtifactLocation, storeId: string): ArtifactLocation | undefined => {
  if (at.store === storeId) return at
  const full = `${at.store}${at.store.endsWith('/') ? '' : '/'}${at.key}`
  const root = storeId.endsWith('/') ? storeId : `${storeId}/`
  return full.startsWith(root) && full.length > root.length ? artifactLocation(storeId, full.slice(root.length)) : undefined
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._=-]*$/

/**
 * Refuses a key that is not `/`-separated segments of letters, digits and `._=-` (a segment starting with a
 * letter, digit or `_`): no empty segment, no `.`/`..`, no leading `/`, nothing that starts with `.` — so
 * that a key can never leave a folder store's root, never collides with the store's own `.dflow-*` names,
 * and needs no escaping on any S3 server (s3rver decodes CopySource with `decodeURI`).
 *
 * @example
 * ```ts
 * checkKey('s3://b/', 'wf-1/hello/bar') // fine
 * checkKey('s3://b/', '../x')           // throws DflowError: s3://b/: key "../x": segment ".." …
 * ```
 */
export const checkKey = (store: string, key: string): void => {
  const bad = key.split('/').find((s) => !SEGMENT.test(s))
  if (bad !== undefined)
    throw new DflowError([
      problem(
        [store],
        `key ${JSON.stringify(key)}: segment ${JSON.stringify(bad)} is not a valid key segment`,
        'use "/"-separated segments of letters, digits and "._=-", each starting with a letter, digit or "_"',
      ),
    ])
}
