import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * A line of the submission journal. `intent` is written (and fsync'd) before the job is submitted: its name and
 * the call ids of each element (one element unless it is an array); `submitted` after, with the scheduler's id.
 *
 * @example
 * ```ts
 * const r: JournalRecord = { t: 'intent', job: 'df0123456789abc', runId: 'run-1', elements: [['a'], ['b']], array: true }
 * ```
 */
export type JournalRecord =
  | { readonly t: 'intent'; readonly job: string; readonly runId: string; readonly elements: readonly (readonly string[])[]; readonly array: boolean }
  | { readonly t: 'submitted'; readonly job: string; readonly id: string }

/** What the journal knows of a job: its elements' calls, whether it is an array, and its id once submitted. @example const j: JournaledJob = { job: 'df…', runId: 'r', elements: [['a']], array: false, id: '42' } */
export interface JournaledJob {
  readonly job: string
  readonly runId: string
  readonly elements: readonly (readonly string[])[]
  readonly array: boolean
  readonly id?: string
}

/**
 * Appends whole records to the journal, one JSON line each, with one `write` and an `fsync` (a crash leaves at
 * most a partial last line, which {@link readJournal} skips).
 *
 * @example
 * ```ts
 * appendJournal('/runs/r/jobs.jsonl', [{ t: 'submitted', job: 'df0123456789abc', id: '42' }])
 * ```
 */
export const appendJournal = (path: string, records: readonly JournalRecord[]): void => {
  if (records.length === 0) return
  mkdirSync(dirname(path), { recursive: true })
  const fd = openSync(path, 'a', 0o600)
  try {
    writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * The jobs a journal knows, by name (the last intent of a name wins, and its id is the `submitted` after it),
 * and which job and element each `runId`/call id is in.
 *
 * @example
 * ```ts
 * const { byCall } = readJournal('/runs/r/jobs.jsonl')
 * byCall.get('run-1\0hello') // { job: { job: 'df…', id: '42', … }, element: 0 }
 * ```
 */
export const readJournal = (path: string): { readonly jobs: ReadonlyMap<string, JournaledJob>; readonly byCall: ReadonlyMap<string, { readonly job: string; readonly element: number }> } => {
  const jobs = new Map<string, JournaledJob>()
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  for (const line of text.split('\n')) {
    let r: JournalRecord
    try {
      r = JSON.parse(line) as JournalRecord
    } catch {
      continue // an empty line, or the partial last line of a crash
    }
    if (r.t === 'intent') jobs.set(r.job, { job: r.job, runId: r.runId, elements: r.elements, array: r.array })
    else if (r.t === 'submitted') {
      const j = jobs.get(r.job)
      if (j) jobs.set(r.job, { ...j, id: r.id })
    }
  }
  const byCall = new Map<string, { job: string; element: number }>()
  for (const j of jobs.values()) j.elements.forEach((calls, element) => calls.forEach((c) => byCall.set(callKey(j.runId, c), { job: j.job, element })))
  return { jobs, byCall }
}

/** The key of a call in a journal's index. @example callKey('run-1', 'hello') // 'run-1\u0000hello' */
export const callKey = (runId: string, callId: string): string => `${runId}\0${callId}`
