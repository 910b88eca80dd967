import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/**
 * The pids of the processes whose command line matches `pattern` (`pgrep -f`), none if there are none.
 *
 * @example
 * ```ts
 * processesWith(`sleep ${marker}`) // ['4242', '4243']
 * ```
 */
export const processesWith = (pattern: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/**
 * Waits until `what()` holds or `ms` have passed, looking every 50 ms; says whether it holds.
 *
 * @example
 * ```ts
 * assert.ok(await until(() => processesWith(marker).length === 0), 'its processes were killed')
 * ```
 */
export const until = async (what: () => boolean, ms = 5000, every = 50): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, every))) if (what()) return true
  return what()
}

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
