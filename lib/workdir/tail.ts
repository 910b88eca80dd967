import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * The last lines of a log file (for failure messages), reading only its end.
 *
 * @example
 * ```ts
 * tailOf('/runs/x/steps/a/log.txt', 10) // 'Traceback …\nValueError: bad input'
 * ```
 */
export const tailOf = (path: string, lines: number, bytes = 4096): string => {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    const len = Math.min(size, bytes)
    const buf = Buffer.alloc(len)
    readSync(fd, buf, 0, len, size - len)
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
