import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
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
 * (a crash in the middle of a write) is cut back to its last whole record; readers skip a torn last line.
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
  return {
    append: (r) => {
      if (broken) throw broken
      // A value that cannot be stored throws a StorageError before any of the record is written.
      const line = Buffer.from(`${JSON.stringify(store ? withStoredValues(r, store) : r)}\n`)
      let written = 0
      try {
        // write(2) may write part of a record (a disk that fills up): the rest follows, or none of it stays.
        while (written < line.length) written += writeSync(fd, line, written)
        size += line.length
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
    close: () => closeSync(fd),
  }
}

/** The latest record of each step in a journal (a torn last line, from a crash mid-write, is skipped). */
export const readJournal = (path: string): readonly StepRecord[] => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return []
  }
  const latest = new Map<string, StepRecord>()
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      const r = JSON.parse(line) as StepRecord
      latest.set(r.id, r)
    } catch {
      /* a line cut short by a crash */
    }
  }
  return [...latest.values()]
}
