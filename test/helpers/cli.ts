import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/** The `dflow` command of this checkout. */
export const BIN = resolve('bin/dflow.js')

/**
 * Runs the `dflow` command in folder `cwd` to its end (colours off): its exit code, stdout and stderr.
 *
 * @example
 * ```ts
 * dflowIn(dir, 'run', 'wf.ts') // { code: 0, out: '…Succeeded…', err: '' }
 * ```
 */
export const dflowIn = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/**
 * Runs the `dflow` command in this process's folder (see {@link dflowIn}).
 *
 * @example
 * ```ts
 * dflow('status', runDir) // { code: 0, out: 'steps Succeeded in 0.21s — 4 Succeeded\n…', err: '' }
 * ```
 */
export const dflow = (...args: string[]) => dflowIn(process.cwd(), ...args)
