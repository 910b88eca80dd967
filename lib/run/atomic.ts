import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { PRIVATE_FILE } from './layout.ts'
import { StorageError } from './storage-error.ts'

let counter = 0

/** Makes a folder's entries durable (a rename in it survives a machine crash). */
const syncFolder = (dir: string): void => {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes a file so that readers see either the old or the new content, never a half-written one
 * (write to a temporary name in the same folder, `fdatasync` it, then rename, and `fsync` the folder: after a
 * crash of the process or of the machine the file holds the old content or the new one). Synchronous on purpose: these are small
 * files, and a direct system call costs microseconds where a thread-pool round trip costs a context
 * switch — the difference is most of a trivial step's overhead. When the write fails (a full disk), the
 * temporary file is removed, the old content stays, and a {@link StorageError} names the file.
 *
 * @example
 * ```ts
 * writeAtomic('/runs/x/workflow.json', JSON.stringify(record))
 * ```
 */
export const writeAtomic = (path: string, data: string): void => {
  const tmp = `${path}.tmp-${process.pid}-${counter++}`
  try {
    const fd = openSync(tmp, 'w', PRIVATE_FILE)
    try {
      const bytes = Buffer.from(data)
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written)
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
    syncFolder(dirname(path))
  } catch (e) {
    try {
      rmSync(tmp, { force: true })
    } catch {
      /* the folder itself cannot be written: no temporary file was made either */
    }
    throw new StorageError(e, 'write', path)
  }
}

/** {@link writeAtomic} of pretty JSON. @example writeJsonAtomic(p, { a: 1 }) */
export const writeJsonAtomic = (path: string, value: unknown): void => writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
