import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/** The `dflow` command of this checkout. */
export const BIN = resolve('bin/dflow.js')

/**
 * Runs the `dflow` command to its end (colours off): its exit code, stdout and stderr.
 *
 * @example
 * ```ts
 * dflow('status', runDir) // { code: 0, out: 'steps Succeeded in 0.21s — 4 Succeeded\n…', err: '' }
 * ```
 */
export const dflow = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
