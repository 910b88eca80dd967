import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A raw artifact's content as a file the run stages like any local artifact: `DIR/sha256-HEX`, written once
 * (through a temporary file and a rename, so that parallel imports never see half a file).
 *
 * @example
 * ```ts
 * rawFileIn('/home/me/.cache/dflow-ts/argo-raw')('{"msg":"hello"}') // '/home/me/.cache/dflow-ts/argo-raw/sha256-…'
 * ```
 */
export const rawFileIn = (dir: string) => (data: string): string => {
  const file = join(dir, `sha256-${createHash('sha256').update(data).digest('hex')}`)
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, data)
    renameSync(tmp, file)
  }
  return file
}
