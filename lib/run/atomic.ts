import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { PRIVATE_FILE } from './layout.ts'
import { StorageError } from './storage-error.ts'

let counter = 0

/**
 * Writes a file so that readers see either the old or the new content, never a half-written one
 * (write to a temporary name in the same folder, then rename). Synchronous on purpose: these are small
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
    writeFileSync(tmp, data, { mode: PRIVATE_FILE })
    renameSync(tmp, path)
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
