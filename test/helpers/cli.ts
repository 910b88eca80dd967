import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
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
export const dflowIn = (cwd: string, ...args: string[]) => dflowWith({}, cwd, ...args)

/**
 * Runs the `dflow` command in folder `cwd` with these environment variables over this process's (see {@link dflowIn}).
 *
 * @example
 * ```ts
 * dflowWith(s3rverEnv(s3.endpoint), dir, 'upload', 'a.txt', '--store', 's3://artifacts/in') // { code: 0, out: 's3://artifacts/in/upload/….tgz\n', err: '' }
 * ```
 */
export const dflowWith = (env: Readonly<Record<string, string>>, cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } })
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

const exec = promisify(execFile)

/**
 * Runs the `dflow` command without blocking this process (for tests whose server runs here), with these
 * environment variables over this process's (KUBECONFIG unset unless given; colours off).
 *
 * @example
 * ```ts
 * await dflowAsync({ KUBECONFIG: k }, 'list', '--json') // { code: 0, out: '[…]', err: '' }
 * ```
 */
export const dflowAsync = (env: Record<string, string | undefined>, ...args: string[]) =>
  exec(process.execPath, [BIN, ...args], { cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1', KUBECONFIG: undefined, ...env }, timeout: 120_000 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  )
