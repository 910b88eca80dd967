import { rename, writeFile } from 'node:fs/promises'

let counter = 0

/**
 * Writes a file so that readers see either the old or the new content, never a half-written one
 * (write to a temporary name in the same folder, then rename).
 *
 * @example
 * ```ts
 * await writeAtomic('/runs/x/workflow.json', JSON.stringify(record))
 * ```
 */
export const writeAtomic = async (path: string, data: string): Promise<void> => {
  const tmp = `${path}.tmp-${process.pid}-${counter++}`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

/** {@link writeAtomic} of pretty JSON. @example await writeJsonAtomic(p, { a: 1 }) */
export const writeJsonAtomic = (path: string, value: unknown): Promise<void> => writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
