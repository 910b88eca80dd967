import { shellQuote } from '../../batch/shell-quote.ts'
import type { Command } from '../../batch/types.ts'

/**
 * The one line sshd hands to the remote login shell (which must be a POSIX shell: sh, bash, dash, zsh): every
 * argument quoted as one word, the environment exported first (`LC_ALL=C` always, so scheduler output parses
 * alike everywhere), then `cd` to the command's folder. Values never pass through the shell unquoted.
 *
 * @example
 * ```ts
 * commandLine({ argv: ['sbatch', '--parsable', 'a b.sh'], cwd: '/w' }, { SGE_ROOT: '/var/lib/gridengine' })
 * // "export LC_ALL=C SGE_ROOT=/var/lib/gridengine; cd -- /w && sbatch --parsable 'a b.sh'"
 * ```
 */
export const commandLine = (command: Command, env: Readonly<Record<string, string>> = {}): string => {
  const exports = Object.entries({ LC_ALL: 'C', ...env }).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`environment variable name ${JSON.stringify(k)} is not a shell name`)
    return `${k}=${shellQuote(v)}`
  })
  const cd = command.cwd === undefined ? '' : `cd -- ${shellQuote(command.cwd)} && `
  return `export ${exports.join(' ')}; ${cd}${command.argv.map(shellQuote).join(' ')}`
}
