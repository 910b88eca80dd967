import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sha256File, treeDigest, treeSize, walkTree } from './digest.ts'
import { missing, StoreError } from './errors.ts'
import { copyTree, landAtomically } from './local-copy.ts'
import { artifactLocation, checkKey, type ArtifactInfo } from './location.ts'
import { PRIVATE_DIR } from './modes.ts'
import { stageStack } from './stack.ts'
import { keyOf, type ArtifactStore } from './store.ts'

const TMP = '.dflow-tmp'
const META = 'meta.json'
const CONTENT = 'content'

/**
 * The folder store (the default): artifacts in a folder on this machine, private to its owner (0700
 * folders, 0600 files, like run folders).
 *
 * Layout: the artifact under key `K` is the folder `DIR/K/`, holding `content` (the file or folder itself,
 * never archived: `location.path` points at it so that local steps read it in place) and `meta.json` (its
 * {@link ArtifactInfo}). Commit is one `rename(2)`: the entry is built in `DIR/.dflow-tmp/`, on the same
 * file system, and renamed to `DIR/K` — a reader sees the whole entry or none; a killed put leaves only a
 * folder under `.dflow-tmp/`, which nothing reads (remove it at leisure). Putting a key again moves the old
 * entry aside and the new one in (two renames: a reader in between sees nothing, never a mix). Keys do not
 * nest: a key inside another committed key is refused.
 *
 * @example
 * ```ts
 * const store = folderStore('/runs/store')
 * const { at } = await store.put('bar.txt', 'wf-1/hello/bar')
 * at.path // '/runs/store/wf-1/hello/bar/content'
 * ```
 */
export const folderStore = (dir: string): ArtifactStore => {
  const root = resolve(dir)
  const id = pathToFileURL(root).href
  const entryOf = (key: string): string => {
    checkKey(id, key)
    return join(root, ...key.split('/'))
  }
  const fail = (key: string, e: unknown): never => {
    if (e instanceof StoreError) throw e
    throw new StoreError('local', id, key, (e as Error).message, undefined, { cause: e })
  }
  const readInfo = async (key: string): Promise<ArtifactInfo | undefined> => {
    const entry = entryOf(key)
    try {
      return JSON.parse(await readFile(join(entry, META), 'utf8')) as ArtifactInfo
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
      return fail(key, e)
    }
  }
  const isEntry = (path: string): Promise<boolean> =>
    stat(join(path, META)).then(
      () => true,
      () => false,
    )
  /** Builds an entry in `.dflow-tmp/` (its content written by `fill`) and commits it under `key` by rename. */
  const commit = async (key: string, fill: (content: string) => Promise<void>, signal: AbortSignal | undefined) => {
    const entry = entryOf(key)
    try {
      for (let p = dirname(entry); p.length > root.length; p = dirname(p))
        if (await isEntry(p))
          throw new StoreError('local', id, key, `the key is inside the committed key ${JSON.stringify(p.slice(root.length + 1))}`, 'keys do not nest: choose another key')
      const tmpRoot = join(root, TMP)
      await mkdir(tmpRoot, { recursive: true, mode: PRIVATE_DIR })
      const tmp = await mkdtemp(join(tmpRoot, 'put-'))
      try {
        const content = join(tmp, CONTENT)
        await fill(content)
        const folder = (await stat(content)).isDirectory()
        const entries = folder ? await walkTree(content) : []
        const info: ArtifactInfo = folder
          ? { kind: 'folder', archive: 'none', size: treeSize(entries), digest: treeDigest(entries) }
          : { kind: 'file', archive: 'none', size: (await stat(content)).size, digest: `sha256:${await sha256File(content)}` }
        await writeFile(join(tmp, META), `${JSON.stringify(info)}\n`, { mode: 0o600 })
        signal?.throwIfAborted()
        await mkdir(dirname(entry), { recursive: true, mode: PRIVATE_DIR })
        try {
          await rename(tmp, entry)
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e
          const old = await mkdtemp(join(tmpRoot, 'old-'))
          await rename(entry, join(old, 'entry'))
          await rename(tmp, entry)
          await rm(old, { recursive: true, force: true })
        }
        return { at: artifactLocation(id, key, join(entry, CONTENT)), info }
      } finally {
        await rm(tmp, { recursive: true, force: true })
      }
    } catch (e) {
      return fail(key, e)
    }
  }
  return {
    id,
    put: (localPath, key, options) => commit(key, (content) => copyTree(localPath, content, options?.signal), options?.signal),
    stack: (parts, key, options) =>
      commit(
        key,
        (content) =>
          stageStack(parts, content, async (at, to) => {
            if (typeof at !== 'string' && at.store !== id) throw new StoreError('local', id, at.key, `a part of the stack is in another store (${at.store})`, 'stack parts of one store')
            const k = keyOf(at)
            if ((await readInfo(k)) === undefined) throw missing(id, k)
            await copyTree(join(entryOf(k), CONTENT), to, options?.signal)
          }),
        options?.signal,
      ),
    get: async (at, localPath, options) => {
      const key = keyOf(at)
      const info = await readInfo(key)
      if (info === undefined) throw missing(id, key)
      try {
        await landAtomically(localPath, (tmp) => copyTree(join(entryOf(key), CONTENT), tmp, options?.signal))
      } catch (e) {
        return fail(key, e)
      }
      return info
    },
    stat: (at) => readInfo(keyOf(at)),
    exists: async (at) => (await readInfo(keyOf(at))) !== undefined,
    close: async () => {},
  }
}
