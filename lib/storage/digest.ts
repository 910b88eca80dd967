import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256InWorker } from './hash-worker.ts'

/** One entry of a folder tree, symlinks followed. @example { rel: 'sub/a.txt', type: 'file', size: 3, executable: false, sha256: '…' } */
export interface TreeEntry {
  /** The path under the tree's root, `/`-separated. */
  readonly rel: string
  readonly type: 'file' | 'dir'
  /** Bytes (0 for a folder). */
  readonly size: number
  /** Whether the owner may execute it (a file). */
  readonly executable: boolean
  /** The file's content sha256 in hex ('' for a folder). */
  readonly sha256: string
}

/**
 * The sha256 of a file's bytes in hex, never the whole file in memory: hashed in a worker thread that reads
 * the file itself ({@link sha256InWorker}), so the event loop stays free and no chunk crosses threads.
 *
 * @example await sha256File('bar.txt') // '5891b5b5…'
 */
export const sha256File = (path: string): Promise<string> => sha256InWorker(path)

/** Files up to this size are hashed from one read into memory; larger ones in the hashing worker. */
const SMALL = 1024 * 1024

/** Gives the event loop a turn every few milliseconds of synchronous work. */
const yielder = () => {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < 5) return
    await new Promise((r) => setImmediate(r))
    since = performance.now()
  }
}

/**
 * Every entry under `root`, sorted by path, each file hashed. Symlinks are followed (an artifact holds what
 * they point at, as dflow's `dereference=True`); a symlink loop is refused. Entries come out in order,
 * folders before what they hold. Folders, stats and small files are read synchronously — a folder of
 * 10,000 small files costs the disk's time, not 40,000 trips through the thread pool — giving the event
 * loop a turn every 5 ms; a large file is hashed in the hashing worker.
 *
 * @example
 * ```ts
 * await walkTree('out') // [{ rel: 'a.txt', type: 'file', … }, { rel: 'sub', type: 'dir', … }, { rel: 'sub/b', … }]
 * ```
 */
export const walkTree = async (root: string): Promise<TreeEntry[]> => {
  const out: TreeEntry[] = []
  const turn = yielder()
  const visit = async (dir: string, rel: string, seen: ReadonlySet<string>): Promise<void> => {
    for (const name of readdirSync(dir).sort()) {
      await turn()
      const abs = join(dir, name)
      const r = rel ? `${rel}/${name}` : name
      const st = statSync(abs)
      if (st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`
        if (seen.has(id)) throw new Error(`${abs}: a symlink loop (a folder that holds itself)`)
        out.push({ rel: r, type: 'dir', size: 0, executable: false, sha256: '' })
        await visit(abs, r, new Set([...seen, id]))
      } else if (st.isFile()) {
        const sha256 = st.size <= SMALL ? createHash('sha256').update(readFileSync(abs)).digest('hex') : await sha256File(abs)
        out.push({ rel: r, type: 'file', size: st.size, executable: (st.mode & 0o100) !== 0, sha256 })
      } else throw new Error(`${abs}: neither a file nor a folder (an artifact holds only files and folders)`)
    }
  }
  const st = await stat(root)
  await visit(root, '', new Set([`${st.dev}:${st.ino}`]))
  return out
}

/**
 * The content digest of a folder: the sha256 of one line per entry in path order — `d PATH` for a folder,
 * `f x|- SHA256 PATH` for a file (with its owner-execute bit), the path JSON-quoted. It depends on names,
 * bytes and the execute bit only, never on times or on how the tree was archived; a file artifact's digest
 * is the sha256 of its bytes (what `sha256sum` prints).
 *
 * @example treeDigest(await walkTree('out')) // 'sha256:9f86d0…'
 */
export const treeDigest = (entries: readonly TreeEntry[]): string => {
  const h = createHash('sha256')
  for (const e of [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)))
    h.update(e.type === 'dir' ? `d ${JSON.stringify(e.rel)}\n` : `f ${e.executable ? 'x' : '-'} ${e.sha256} ${JSON.stringify(e.rel)}\n`)
  return `sha256:${h.digest('hex')}`
}

/** The total bytes of a tree's files. @example treeSize(await walkTree('out')) // 1024 */
export const treeSize = (entries: readonly TreeEntry[]): number => entries.reduce((n, e) => n + e.size, 0)
