import { lines } from '../batch/parse-util.ts'
import type { Command, CommandResult } from '../batch/types.ts'

/** What one read of a call's files found: its exit status (once written) and the tails of its output. @example { exitCode: 0, stdout: 'hi\n', stderr: '' } */
export interface CallFiles {
  readonly exitCode?: number
  readonly stdout?: string
  readonly stderr?: string
}

// No process per call unless it has output to read: `read` and `[ -s ]` are builtins (a fan-out of 200 calls
// of `true` cost ~2 s of forks a poll on a loaded machine when every file was read through cat, tail and base64).
const SCRIPT = [
  'n=$1; shift',
  'for a; do m=${a%%:*}; b=${a#*:}; e=-; if [ -e "$b.exit" ]; then e=; read -r e <"$b.exit" || true; fi',
  '  if [ "$e" != - ] || [ "$m" = F ]; then o=; r=',
  '    [ -s "$b.out" ] && o=$(tail -c "$n" "$b.out" | base64 -w0)',
  '    [ -s "$b.err" ] && r=$(tail -c "$n" "$b.err" | base64 -w0)',
  '    printf \'%s\\t%s\\t%s\\t%s\\n\' "$b" "$e" "$o" "$r"',
  '  else printf \'%s\\t-\\n\' "$b"; fi',
  'done',
].join('\n')

/**
 * ONE command that reads the files of many calls: the exit status of each, and the last `tailBytes` of its
 * stdout and stderr for those that have one (`peek`) or whose job has ended (`final`, read even without an exit
 * status: a killed call's output tells why). `bash --norc`: node's pipes are sockets, and bash started on a socket
 * with SHLVL unset takes itself for an rsh session and reads ~/.bashrc (a pyenv init there hung on its lock).
 *
 * @example
 * ```ts
 * collectCommand(['/w/a/dflow-1'], [], 4096).argv[0] // 'bash'
 * ```
 */
export const collectCommand = (final: readonly string[], peek: readonly string[], tailBytes: number): Command => ({
  argv: ['bash', '--norc', '-c', SCRIPT, 'collect', String(tailBytes), ...final.map((b) => `F:${b}`), ...peek.map((b) => `P:${b}`)],
})

const unb64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'))

/**
 * The files {@link collectCommand} printed, by base path.
 *
 * @example
 * ```ts
 * parseCollect({ exitCode: 0, stdout: '/w/a/dflow-1\t0\taGkK\t\n', stderr: '' }).get('/w/a/dflow-1') // { exitCode: 0, stdout: 'hi\n', stderr: '' }
 * ```
 */
export const parseCollect = (r: CommandResult): ReadonlyMap<string, CallFiles> =>
  new Map(
    lines(r.stdout).flatMap((l) => {
      const [base, e, out, err] = l.split('\t')
      if (!base) return []
      const code = e !== undefined && /^\d{1,3}$/.test(e.trim()) ? Number(e.trim()) : undefined
      return [[base, { ...(code !== undefined ? { exitCode: code } : {}), ...(out !== undefined ? { stdout: unb64(out), stderr: unb64(err ?? '') } : {}) }] as const]
    }),
  )
