import { shellQuote } from '../batch/shell-quote.ts'

/** One call inside a job: its work dir, the base of its files, its environment and command. @example { dir: '/w/a', files: '/w/a/dflow-0123', command: 'true' } */
export interface CallInJob {
  readonly dir: string
  readonly files: string
  readonly env?: Readonly<Record<string, string>>
  readonly command: string
}

const RUNNER = [
  // a call: its subshell in its dir, its output in its own files, its status written atomically
  '__dflow_run() { mkdir -p "$3" && ( cd "$3" && "$1" ) >"$2.out" 2>"$2.err" </dev/null; printf \'%s\\n\' "$?" >"$2.exit.tmp" && mv -f "$2.exit.tmp" "$2.exit"; }',
  '__dflow_slot() { while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n; done; }',
  '__dflow_all_ok() { local b; for b; do [ "$(cat "$b.exit" 2>/dev/null)" = 0 ] || return 1; done; }',
]

/**
 * The body of a job that runs groups of calls: each call as a function run in its own subshell and work dir
 * with its own stdout, stderr and exit-code files; `parallel` at a time within a group (DPDispatcher's
 * para_deg); the job exits 0 when every call of its group did. With several groups (an array), the element's
 * `$DFLOW_ARRAY_INDEX` picks its group.
 *
 * @example
 * ```ts
 * groupCommand([[{ dir: '/w/a', files: '/w/a/dflow-1', command: 'echo a' }]], 1).includes('__dflow_run __dflow_c0') // true
 * ```
 */
export const groupCommand = (groups: readonly (readonly CallInJob[])[], parallel: number): string => {
  let n = 0
  const fns: string[] = []
  const bodies = groups.map((calls) => {
    const lines = calls.flatMap((c) => {
      const f = `__dflow_c${n++}`
      fns.push(`${f}() {`, ...Object.entries(c.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`), c.command, '}')
      const run = `__dflow_run ${f} ${shellQuote(c.files)} ${shellQuote(c.dir)}`
      return parallel > 1 && calls.length > 1 ? [`__dflow_slot ${parallel}`, `${run} &`] : [run]
    })
    return [...lines, ...(parallel > 1 && calls.length > 1 ? ['wait'] : []), `__dflow_all_ok ${calls.map((c) => shellQuote(c.files)).join(' ')}`]
  })
  const dispatch =
    groups.length === 1
      ? bodies[0]!
      : ['case "$DFLOW_ARRAY_INDEX" in', ...bodies.flatMap((b, i) => [`${i})`, ...b.map((l) => `  ${l}`), '  ;;']), '*) exit 2 ;;', 'esac']
  return [...RUNNER, ...fns, ...dispatch].join('\n')
}
