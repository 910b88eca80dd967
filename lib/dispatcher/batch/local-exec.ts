import { execa } from 'execa'
import type { Exec } from './types.ts'

/**
 * Runs a command on this machine (execa, no shell); a non-zero exit or a missing program is a result, not a throw.
 *
 * @example
 * ```ts
 * const r = await localExec({ argv: ['squeue', '-h'] }) // { exitCode, stdout, stderr }
 * ```
 */
export const localExec: Exec = async ({ argv, cwd, input }) => {
  const [file = 'true', ...args] = argv
  const r = await execa(file, args, { cwd, input: input ?? '', reject: false, stripFinalNewline: false, env: { LC_ALL: 'C' } })
  const stderr = String(r.stderr ?? '')
  // a program that could not start has no exit code: say why, as a shell would (127)
  return r.exitCode === undefined ? { exitCode: 127, stdout: '', stderr: stderr || (r.message ?? 'could not start') } : { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr }
}
