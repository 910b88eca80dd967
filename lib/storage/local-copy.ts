import { randomBytes } from 'node:crypto'
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileMode, PRIVATE_DIR } from './modes.ts'

/**
 * Copies a file or folder to `to` (which must not exist), following symlinks, every folder 0700 and every
 * file 0600 (0700 if its owner could execute it). Checks `signal` between files.
 *
 * @example await copyTree('out', '/runs/store/.dflow-tmp/x/content')
 */
export const copyTree = async (from: string, to: string, signal?: AbortSignal): Promise<void> => {
  signal?.throwIfAborted()
  const st = await stat(from)
  if (st.isDirectory()) {
    await mkdir(to, { mode: PRIVATE_DIR })
    await chmod(to, PRIVATE_DIR)
    for (const name of (await readdir(from)).sort()) await copyTree(join(from, name), join(to, name), signal)
  } else if (st.isFile()) {
    await copyFile(from, to)
    await chmod(to, fileMode((st.mode & 0o100) !== 0))
  } else throw new Error(`${from}: neither a file nor a folder (an artifact holds only files and folders)`)
}

/**
 * A fresh name beside `path` for writing before a rename into place (same folder, so same file system).
 *
 * @example sideName('/tmp/in/bar') // '/tmp/in/.bar.dflow-tmp-3f2a…'
 */
export const sideName = (path: string): string => join(dirname(path), `.${path.split('/').pop()}.dflow-tmp-${randomBytes(6).toString('hex')}`)

/**
 * Runs `write(tmp)` on a fresh side name and renames the result to `to`, so that `to` appears whole or not
 * at all (a failed or killed write leaves at most a hidden side name, removed on failure). `to` must not exist.
 *
 * @example await landAtomically('/tmp/in/bar', (tmp) => copyTree('out', tmp))
 */
export const landAtomically = async (to: string, write: (tmp: string) => Promise<void>): Promise<void> => {
  const exists = await stat(to).then(
    () => true,
    () => false,
  )
  if (exists) throw new Error(`${to} exists already (an artifact is written to a new path)`)
  await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR })
  const tmp = sideName(to)
  try {
    await write(tmp)
    await rename(tmp, to)
  } catch (e) {
    await rm(tmp, { recursive: true, force: true })
    throw e
  }
}
