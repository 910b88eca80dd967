import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { FINAL_PHASES } from './records.ts'
import { PRIVATE_FILE } from './layout.ts'
import type { StepRecord } from './records.ts'
import { StorageError } from './storage-error.ts'
import { withStoredValues, type ValueStore } from './value-store.ts'

/**
 * The step journal of a run: one JSON line per change of a step's state, appended by the driver alone
 * (`steps.jsonl`). Appending costs one `write(2)` and creates no file, where a file per state change
 * would create a new inode each time (about a millisecond on a virtual disk, on the driver's main
 * thread, serialising fan-outs).
 *
 * The journal holds whole records only: a record that cannot be written whole (a full disk) is cut off
 * again and {@link Journal.append} throws a {@link StorageError}; a journal opened with a torn last line
 * (a crash in the middle of a write) is cut back to its last whole record; readers skip a torn last line
 * ({@link readJournalReport} says so).
 *
 * Durability: every record is one `write(2)` — once it returns, the record survives a crash of this process
 * (kill -9, OOM), since it is in the kernel's page cache. A record that ends a step (a final phase:
 * Succeeded, Failed, …) is also `fdatasync`'d, in the thread pool, within a second ({@link SYNC_DELAY_MS}; group
 * commit: one sync covers every record before it, and the driver never waits for the disk), and the journal is
 * fdatasync'd when it is closed: on a crash of the machine, only the records written in the last second or so
 * (since the last sync began) can be lost — those steps run again on restart.
 * `Running` records are not synced on their own (a step whose start is lost runs again anyway).
 *
 * @example
 * ```ts
 * const j = openJournal('/runs/x/steps.jsonl')
 * j.append({ id: 'a', phase: 'Running', … })
 * j.close()
 * readJournal('/runs/x/steps.jsonl') // the latest record of each step, in order of first appearance
 * ```
 */
export interface Journal {
  /** Appends a record whole, or throws a {@link StorageError} and leaves the journal as it was. */
  readonly append: (r: StepRecord) => void
  readonly close: () => void
}

/** How long a final record may wait for its fdatasync (see {@link Journal}: what a machine crash can lose). */
export const SYNC_DELAY_MS = 1000

/** The length of a file's content up to its last newline (what is left once a torn last line is cut). */
const wholeLength = (fd: number, size: number): number => {
  const last = Buffer.alloc(1)
  if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return size
  const text = readFileSync(fd)
  return text.lastIndexOf(0x0a) + 1
}

/**
 * Opens (creating if needed, private to its owner) a journal for appending; large values go to `store`,
 * named by digest (`value-store.ts`).
 */
export const openJournal = (path: string, store?: ValueStore): Journal => {
  let fd: number
  try {
    fd = openSync(path, 'a+', PRIVATE_FILE)
  } catch (e) {
    throw new StorageError(e, 'open', path)
  }
  let size = fstatSync(fd).size
  const whole = wholeLength(fd, size)
  if (whole < size) ftruncateSync(fd, (size = whole))
  /** Set when a cut-off record could not be cut off again: nothing more is appended after it. */
  let broken: StorageError | undefined
  /** The fault hook of the kill -9 campaign (test/local/kill-campaign.heavy.test.ts): see {@link killInWrite}. */
  let killAt = killInWrite()
  // Group commit: a final record is fdatasync'd in the thread pool within SYNC_DELAY_MS, one sync covering every
  // record written before it, so that the driver never waits for the disk. Not at once: on ext4 each fdatasync
  // commits the filesystem's journal, which holds up every step's file and folder writes meanwhile (W1 with
  // a sync per record ran 1.47x a run with no journal; with one per second, as fast).
  let syncing = false
  let dirty = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const syncNow = (): void => {
    timer = undefined
    if (closed) return
    syncing = true
    dirty = false
    fdatasync(fd, () => {
      syncing = false
      if (dirty && !closed) syncSoon()
    })
  }
  const syncSoon = (): void => {
    if (syncing || timer) return void (dirty = true)
    timer = setTimeout(syncNow, SYNC_DELAY_MS)
    timer.unref?.()
  }
  let closed = false
  return {
    append: (r) => {
      if (broken) throw broken
      // A value that cannot be stored throws a StorageError before any of the record is written.
      const line = Buffer.from(`${JSON.stringify(store ? withStoredValues(r, store) : r)}\n`)
      let written = 0
      try {
        if (killAt !== undefined && --killAt === 0) {
          writeSync(fd, line, 0, line.length >> 1)
          process.kill(process.pid, 'SIGKILL')
        }
        // write(2) may write part of a record (a disk that fills up): the rest follows, or none of it stays.
        while (written < line.length) written += writeSync(fd, line, written)
        size += line.length
        if (FINAL_PHASES.has(r.phase)) syncSoon()
      } catch (e) {
        const failure = new StorageError(e, 'write', path)
        try {
          if (written > 0) ftruncateSync(fd, size)
        } catch {
          broken = failure
        }
        throw failure
      }
    },
    close: () => {
      closed = true
      if (timer) clearTimeout(timer)
      try {
        fdatasyncSync(fd)
      } finally {
        closeSync(fd)
      }
    },
  }
}

/**
 * A fault hook for tests: with `DFLOW_TEST_KILL_IN_JOURNAL=N` in its environment, the driver writes half of
 * its N-th journal record and kills itself with SIGKILL (a crash in the middle of a journal write).
 */
const killInWrite = (): number | undefined => {
  const n = Number(process.env.DFLOW_TEST_KILL_IN_JOURNAL)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/** The latest record of each step in a journal (a torn last line, from a crash mid-write, is skipped). */
export const readJournal = (path: string): readonly StepRecord[] => readJournalReport(path).records

/**
 * {@link readJournal}, saying what it could not read: a torn last line (a crash in the middle of a write:
 * the journal is read to its last whole record) and any other line that is not a whole record (a machine
 * crash can leave a block of zeros), each by line number.
 *
 * @example
 * ```ts
 * readJournalReport('/runs/x/steps.jsonl').warnings // ['/runs/x/steps.jsonl: its last record is cut short (41 bytes, a crash in the middle of a write): read to the last whole record']
 * ```
 */
export const readJournalReport = (path: string): { readonly records: readonly StepRecord[]; readonly warnings: readonly string[] } => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return { records: [], warnings: [] }
  }
  const warnings: string[] = []
  const lines = text.split('\n')
  const bad = (i: number) =>
    warnings.push(
      i === lines.length - 1
        ? `${path}: its last record is cut short (${Buffer.byteLength(lines[i]!)} bytes, a crash in the middle of a write): read to the last whole record`
        : `${path}: line ${i + 1} is not a whole record (${Buffer.byteLength(lines[i]!)} bytes): skipped`,
    )
  const parse = (i: number): StepRecord | undefined => {
    try {
      return JSON.parse(lines[i]!) as StepRecord
    } catch {
      return bad(i), undefined
    }
  }
  // Only the latest record of a step counts: each line's step is read from its start (`{"id":"…"`, as the
  // journal writes it), and only the last line of each step is parsed — a finished run's journal holds two or
  // more records per step. A line that does not look whole is parsed (and warned of) where it is.
  const last = new Map<string, number>()
  const parsed = new Map<number, StepRecord>()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (!line) continue
    const id = line.endsWith('}') ? idOf(line) : undefined
    if (id !== undefined) {
      last.set(id, i)
      continue
    }
    const r = parse(i)
    if (r) parsed.set(i, r), last.set(r.id, i)
  }
  const records: StepRecord[] = []
  for (const [id, i] of last) {
    let r = parsed.get(i) ?? parse(i)
    // the step's last line is not whole after all: its latest whole record before it
    for (let j = i - 1; r === undefined && j >= 0; j--) if (lines[j] && idOf(lines[j]!) === id) r = parse(j)
    if (r) records.push(r)
  }
  return { records, warnings }
}

/** The step id a journal line starts with (`{"id":"…"`), or undefined when it does not start so plainly (an id with escapes: the line is parsed). */
const idOf = (line: string): string | undefined => {
  if (!line.startsWith('{"id":"')) return undefined
  const end = line.indexOf('"', 7)
  if (end < 0) return undefined
  const id = line.slice(7, end)
  return id.includes('\\') ? undefined : id
}
