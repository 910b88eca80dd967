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

/**
 * Name → id from `id|name` lines (the first id seen for a name wins: an array prints one line per element, all
 * with its own id), for the asked names only.
 *
 * @example
 * ```ts
 * namesToIds('42|a\n42|a\n43|b\n', ['a']) // Map { 'a' => '42' }
 * ```
 */
export const namesToIds = (text: string, names: readonly string[]): ReadonlyMap<string, string> => {
  const want = new Set(names)
  const out = new Map<string, string>()
  for (const l of lines(text)) {
    const [id, name] = l.split('|').map((s) => s.trim())
    if (id && name && want.has(name) && !out.has(name)) out.set(name, id)
  }
  return out
}
