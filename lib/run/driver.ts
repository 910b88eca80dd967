import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * Who drives a run, as `workflow.json` records it: the driver's pid, its start time and its host, so
 * that a reader can tell whether the driver is still there — a pid alone does not say it, since the
 * system reuses pids.
 *
 * @example
 * ```ts
 * const d: DriverIdentity = { pid: 4242, pidStartTime: '1234567', host: 'node-1' }
 * ```
 */
export interface DriverIdentity {
  readonly pid: number
  /**
   * The process's start time in clock ticks after boot (field 22 of `/proc/PID/stat`): a later process
   * given the same pid has another. Absent where there is no `/proc`.
   */
  readonly pidStartTime?: string
  readonly host: string
}

/**
 * The start time of a process (field 22 of `/proc/PID/stat`), or undefined when there is no such process
 * (or no `/proc`). The second field, the command name, may hold spaces and parentheses: fields are
 * counted after its last `)`.
 *
 * @example
 * ```ts
 * processStartTime(process.pid) // '1234567'
 * processStartTime(999999999)   // undefined
 * ```
 */
export const processStartTime = (pid: number): string | undefined => {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // After ") " come field 3 (state), 4, …: field 22 is the 20th.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

/** This process, as a run's driver. @example driverIdentity() // { pid: 4242, pidStartTime: '1234567', host: 'node-1' } */
export const driverIdentity = (): DriverIdentity => {
  const pidStartTime = processStartTime(process.pid)
  return { pid: process.pid, ...(pidStartTime !== undefined ? { pidStartTime } : {}), host: hostname() }
}

/**
 * Whether the driver a run records is still running: `alive`, `gone` (no process has its pid, or the one
 * that has it started at another time), or `unknown` (it ran on another host, which this one cannot see).
 *
 * @example
 * ```ts
 * driverState({ pid: process.pid, host: hostname(), pidStartTime: processStartTime(process.pid) }) // 'alive'
 * driverState({ pid: 4242, host: 'elsewhere' })                                                   // 'unknown'
 * ```
 */
export const driverState = (d: Partial<DriverIdentity> & { readonly pid: number }): 'alive' | 'gone' | 'unknown' => {
  if (d.host !== undefined && d.host !== hostname()) return 'unknown'
  const started = processStartTime(d.pid)
  if (started !== undefined) return d.pidStartTime === undefined || d.pidStartTime === started ? 'alive' : 'gone'
  try {
    process.kill(d.pid, 0)
    return 'alive' // no /proc here: a process has the pid, and nothing says it is another
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone'
  }
}
