import { execFileSync } from 'node:child_process'

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
export const until = async (what: () => boolean, ms = 5000): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (what()) return true
  return what()
}
