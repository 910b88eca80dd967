import { lstat, mkdir, mkdtemp, readdir, rename, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { DflowError, problem } from '../../dsl/problem.ts'
import { assemble, CATALOG_DIR, catalogOrders, readCatalog, writeCatalog, type PathTree } from './catalog.ts'
import { treeDigest, walkTree } from './digest.ts'
import { copyTree, sideName } from './local-copy.ts'
import { artifactLocation, checkKey, FILES, relativeTo, type ArtifactLocation, type Committed } from './location.ts'
import { PRIVATE_DIR } from './modes.ts'
import type { ArtifactStore, PutOptions } from './store.ts'
import { openStore } from './store-url.ts'

/**
 * The text form of a location, as `dflow upload` prints it: for S3 the object itself, `s3://BUCKET/OBJECT`
 * (`PREFIX/KEY.tgz` for a tar archive, `PREFIX/KEY` unarchived) — the form Argo's S3 artifacts and
 * `dflow compile -a NAME=REF` take; for a folder store `file:///DIR#KEY` (a folder is not an object store,
 * so its root and key are told apart by `#`).
 *
 * @example
 * ```ts
 * formatRef({ store: 's3://artifacts/runs/', key: 'upload/x' }, 'tar')  // 's3://artifacts/runs/upload/x.tgz'
 * formatRef({ store: 'file:///data/store', key: 'upload/x' })           // 'file:///data/store#upload/x'
 * ```
 */
export const formatRef = (at: ArtifactLocation, archive: 'tar' | 'none' = 'tar'): string =>
  at.store.startsWith('s3://') ? `${at.store}${at.key}${archive === 'tar' ? '.tgz' : ''}` : `${at.store}#${at.key}`

/**
 * Reads a REF (see {@link formatRef}) back into a location: `s3://BUCKET/OBJECT` is key `OBJECT` (without
 * its `.tgz`) of the store `s3://BUCKET/`; `file:///DIR#KEY` is key `KEY` of the folder store at `DIR`.
 * Anything else is a {@link DflowError} saying what a REF is.
 *
 * @example
 * ```ts
 * parseRef('s3://artifacts/runs/upload/x.tgz') // { store: 's3://artifacts/', key: 'runs/upload/x' }
 * parseRef('file:///data/store#upload/x')      // { store: 'file:///data/store', key: 'upload/x' }
 * ```
 */
export const parseRef = (ref: string): ArtifactLocation => {
  const s3 = /^(s3:\/\/[^/#]+\/)([^#]+?)(?:\.tgz)?$/.exec(ref)
  const file = /^(file:\/\/\/[^#]*)#(.+)$/.exec(ref)
  const m = s3 ?? file
  if (m === null)
    throw new DflowError([problem(['artifact'], `${JSON.stringify(ref)} is not an artifact REF`, 'a REF is what `dflow upload` prints: s3://BUCKET/KEY (the object, .tgz for a tar archive) or file:///DIR#KEY')])
  checkKey(m[1] as string, m[2] as string)
  return artifactLocation(m[1] as string, m[2] as string)
}

/** Options of {@link upload}. @example { store: folderStore('/runs/store'), archive: 'none' } */
export interface UploadOptions extends PutOptions {
  /** Where the artifact goes. */
  readonly store: ArtifactStore
  /** Relative paths are read from here, and kept relative to it inside the artifact (default: the process's cwd). */
  readonly cwd?: string
}

/**
 * dflow's `upload_artifact`: stores a path, a list of paths or a (nested) record of paths as one artifact,
 * and returns where it is. The artifact is a folder holding each path at its path relative to `cwd` (a path
 * outside it at its absolute path without the leading `/`; a path inside another given one is held once),
 * and a catalog in dflow's format recording the structure, so that {@link download} — or Python dflow — gives
 * the same list or record back. A `null` item is left out, as dflow does. The key is the content's:
 * `upload/sha256-<first 32 hex digits of its digest>`, so uploading the same content again stores nothing new.
 *
 * @example
 * ```ts
 * const { at } = await upload(['data/a.txt', 'data/b.txt'], { store })
 * formatRef(at) // 'file:///runs/store#upload/sha256-3f…'
 * ```
 */
export const upload = async (paths: PathTree, options: UploadOptions): Promise<Committed> => {
  const cwd = resolve(options.cwd ?? process.cwd())
  const tmp = await mkdtemp(join(tmpdir(), 'dflow-upload-'))
  try {
    const staging = join(tmp, 'upload')
    await mkdir(staging, { mode: PRIVATE_DIR })
    const items = catalogOrders(paths).flatMap(([order, p]) => {
      if (p === null) return []
      const abs = resolve(cwd, p)
      const rel = abs === cwd || abs.startsWith(cwd + sep) ? relative(cwd, abs) : abs.replace(/^\/+/, '')
      return [{ order, abs, rel: rel.split(sep).join('/') }]
    })
    for (const i of items) {
      await stat(i.abs).catch(() => {
        throw new DflowError([problem(['upload'], `${i.abs}: no such file or folder`, 'upload paths that exist')])
      })
      if (i.rel === '' || i.rel === CATALOG_DIR || i.rel.startsWith(`${CATALOG_DIR}/`))
        throw new DflowError([problem(['upload'], `${i.abs}: cannot be uploaded from ${cwd} (it is the folder itself or its ${CATALOG_DIR} catalog)`, 'upload the files inside it, or give another cwd')])
    }
    // Link the outermost paths only: a path inside another one is already held by it.
    const covered = (rel: string) => items.some((o) => o.rel !== rel && rel.startsWith(`${o.rel}/`))
    for (const i of items) {
      if (covered(i.rel)) continue
      const to = join(staging, i.rel)
      if (await lstat(to).then(() => true, () => false)) continue
      await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR })
      await symlink(i.abs, to)
    }
    await writeCatalog(
      staging,
      items.map((i) => ({ dflow_list_item: i.rel, order: i.order })),
    )
    const digest = treeDigest(await walkTree(staging))
    const key = `upload/sha256-${digest.slice('sha256:'.length, 'sha256:'.length + 32)}`
    const { store, cwd: _, ...put } = options
    const info = await store.stat(key)
    if (info !== undefined && info.digest === digest) return { at: artifactLocation(store.id, key), info }
    return await store.put(staging, key, put)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/** Options of {@link download}. @example { store, keepCatalog: true } */
export interface DownloadOptions {
  /** The store to read from (default: opened from the location's store id and the process's environment). */
  readonly store?: ArtifactStore
  /** Keep the `.dflow` catalog in `dir` (dflow's `remove_catalog=False`); by default it is removed. */
  readonly keepCatalog?: boolean
  readonly signal?: AbortSignal
}

const mergeInto = async (from: string, to: string): Promise<void> => {
  for (const name of await readdir(from)) {
    const src = join(from, name)
    const dst = join(to, name)
    const there = await stat(dst).catch(() => undefined)
    if (there?.isDirectory() && (await stat(src)).isDirectory()) await mergeInto(src, dst)
    else {
      if (there !== undefined) await rm(dst, { recursive: true, force: true })
      await rename(src, dst)
    }
  }
}

/** Lands what `write(tmp)` writes (a file or a folder) in `target`, as {@link download} describes. */
const landIn = async (target: string, name: string, write: (tmp: string) => Promise<'file' | 'folder'>, keepCatalog: boolean): Promise<PathTree> => {
  await mkdir(target, { recursive: true, mode: PRIVATE_DIR })
  const tmp = sideName(join(target, 'download'))
  try {
    if ((await write(tmp)) === 'file') {
      const to = join(target, name)
      await rm(to, { recursive: true, force: true })
      await rename(tmp, to)
      return to
    }
    const items = await readCatalog(tmp)
    if (!keepCatalog) await rm(join(tmp, CATALOG_DIR), { recursive: true, force: true })
    await mergeInto(tmp, target)
    return items === undefined ? target : assemble(items, target)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * dflow's `download_artifact`: writes an artifact into the folder `dir` (made if needed) and returns its
 * path object. A folder's entries are merged into `dir` (what is there under the same name is replaced); a
 * file lands as `dir/<last segment of its key>`. With a catalog (an uploaded list or record, a fan-in), the
 * result is the list or record of paths it records, under `dir`; otherwise the path of what was written.
 *
 * @example
 * ```ts
 * await download(parseRef('file:///runs/store#upload/sha256-3f…'), 'in') // ['in/data/a.txt', 'in/data/b.txt']
 * await download(run.step('hello').outputs.bar, 'out')                 // 'out/bar'
 * ```
 */
export const download = async (at: ArtifactLocation, dir: string, options: DownloadOptions = {}): Promise<PathTree> => {
  // A file or folder left where its step wrote it (the local interpreter's default) is copied from there.
  if (at.store === FILES && options.store === undefined) return downloadPath(at.path ?? `/${at.key}`, dir, at.key.split('/').pop() as string, options)
  const store = options.store ?? openStore(at.store, process.env)
  try {
    const here = relativeTo(at, store.id)
    if (here === undefined)
      throw new DflowError([problem([store.id], `key ${JSON.stringify(at.key)} of ${at.store} is not in this store`, 'download it with its own store (leave out the store option)')])
    const get = async (tmp: string) => (await store.get(here, tmp, options.signal ? { signal: options.signal } : {})).kind
    return await landIn(resolve(dir), at.key.split('/').pop() as string, get, options.keepCatalog ?? false)
  } finally {
    if (options.store === undefined) await store.close()
  }
}

/**
 * {@link download} of an artifact that is a path on this machine (a run recorded before artifacts were
 * locations): a file lands as `dir/<name>`, a folder is merged into `dir`, a catalog read as by `download`.
 *
 * @example await downloadPath('.dflow-runs/r/steps/hello/workdir/bar.txt', 'out', 'bar') // 'out/bar'
 */
export const downloadPath = (path: string, dir: string, name: string, options: Pick<DownloadOptions, 'keepCatalog' | 'signal'> = {}): Promise<PathTree> =>
  landIn(
    resolve(dir),
    name,
    async (tmp) => {
      await copyTree(path, tmp, options.signal)
      return (await stat(tmp)).isDirectory() ? 'folder' : 'file'
    },
    options.keepCatalog ?? false,
  )
