import type { CommandResult, JobState, Submitted, Verdict } from './types.ts'

/**
 * A state from a table of the scheduler's words (`unknown` for a word it does not list).
 *
 * @example
 * ```ts
 * stateFrom({ R: 'running' }, 'R') // { verdict: 'running', raw: 'R' }
 * ```
 */
export const stateFrom = (table: Readonly<Record<string, Verdict>>, raw: string, extra: Omit<JobState, 'verdict' | 'raw'> = {}): JobState => ({
  verdict: Object.hasOwn(table, raw) ? table[raw]! : 'unknown',
  raw,
  ...extra,
})

/**
 * The non-empty lines of an output.
 *
 * @example
 * ```ts
 * lines('a\n\n b \n') // ['a', ' b ']
 * ```
 */
export const lines = (text: string): string[] => text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '')

/**
 * A submission's id from its first output line matched by `re` (group 1), or the command's error.
 *
 * @example
 * ```ts
 * submittedBy(/^(\d+)/, { exitCode: 0, stdout: '42\n', stderr: '' }) // { id: '42' }
 * ```
 */
export const submittedBy = (re: RegExp, r: CommandResult): Submitted => {
  const id = r.exitCode === 0 ? lines(r.stdout).map((l) => re.exec(l.trim())?.[1]).find((x) => x !== undefined) : undefined
  if (id !== undefined) return { id }
  const why = (r.stderr.trim() || r.stdout.trim() || 'no output').split('\n').slice(-3).join(' / ')
  return { error: `exit ${r.exitCode}: ${why}` }
}

/**
 * Keeps only the entries for the asked ids (a scheduler may print more, such as array tasks or other jobs).
 *
 * @example
 * ```ts
 * only(['1'], [['1', s], ['2', s]]).size // 1
 * ```
 */
export const only = (ids: readonly string[], entries: Iterable<readonly [string, JobState]>): ReadonlyMap<string, JobState> => {
  const want = new Set(ids)
  return new Map([...entries].filter(([id]) => want.has(id)))
}
