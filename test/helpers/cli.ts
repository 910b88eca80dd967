import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

const BIN = resolve('bin/dflow.js')

/**
 * Runs the real `dflow` command (bin/dflow.js) in folder `cwd`, without colour; returns its exit code and output.
 *
 * @example
 * ```ts
 * const r = dflowIn(dir, 'run', 'wf.ts') // { code: 0, out: '…Succeeded…', err: '' }
 * ```
 */
export const dflowIn = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
