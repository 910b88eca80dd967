import { execa } from 'execa'
import type { Exec } from './types.ts'

/**
 * Runs commands on this machine (execa, no shell) with `env` added to this process's environment; a non-zero
 * exit or a missing program is a result, not a throw.
 *
 * @example
 * ```ts
 * const exec = localExecWith({ PATH: `/opt/fake-pbs:${process.env['PATH']}` })
 * const r = await exec({ argv: ['qstat', '-x', '-f'] }) // { exitCode, stdout, stderr }
 * ```
 */
export const localExecWith = (env: Readonly<Record<string, string>>): Exec => async ({ argv, cwd, input }) => {
  const [file = 'true', ...args] = argv
  const r = await execa(file, args, { cwd, input: input ?? '', reject: false, stripFinalNewline: false, env: { ...env, LC_ALL: 'C' } })
  const stderr = String(r.stderr ?? '')
  // a program that could not start has no exit code: say why, as a shell would (127)
  return r.exitCode === undefined ? { exitCode: 127, stdout: '', stderr: stderr || (r.message ?? 'could not start') } : { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr }
}

/**
 * Runs a command on this machine in this process's environment (see {@link localExecWith}).
 *
 * @example
 * ```ts
 * const r = await localExec({ argv: ['squeue', '-h'] }) // { exitCode, stdout, stderr }
 * ```
 */
export const localExec: Exec = localExecWith({})
