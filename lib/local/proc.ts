import { readdirSync, readFileSync } from 'node:fs'

/**
 * The ids of the processes this host's `/proc` lists (none where there is no `/proc`).
 *
 * @example
 * ```ts
 * processIds().includes(process.pid) // true
 * ```
 */
export const processIds = (): number[] => {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
  } catch {
    return []
  }
}

/**
 * The environment a process started with (`/proc/PID/environ`). Throws when the process is gone or its
 * environment is not this user's to read; empty for a zombie.
 *
 * @example
 * ```ts
 * environOf(process.pid).PATH // '/usr/bin:/bin'
 * ```
 */
export const environOf = (pid: number): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=')
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return env
}
