import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/**
 * The processes (of any user: the tests run as root) whose working folder is under `dir`, with their command
 * lines: what a stopped or timed-out job must not leave behind. A process that ends while it is looked at is
 * left out.
 *
 * @example
 * ```ts
 * assert.equal(processesUnder(run.dir), [], 'no process of the cancelled job is left')
 * ```
 */
export const processesUnder = (dir: string): string[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`)
        if (cwd !== dir && !cwd.startsWith(`${dir}/`)) return []
        return [`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()} (in ${cwd})`]
      } catch {
        return []
      }
    })
