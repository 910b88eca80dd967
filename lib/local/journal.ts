import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { StepRecord } from './records.ts'
import { withStoredValues, type ValueStore } from './value-store.ts'

/**
 * The step journal of a run: one JSON line per change of a step's state, appended by the driver alone
 * (`steps.jsonl`). Appending costs one `write(2)` and creates no file, where a file per state change
 * would create a new inode each time (about a millisecond on a virtual disk, on the driver's main
 * thread, serialising fan-outs). A crash can at worst cut the last line short; readers skip it.
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
  readonly append: (r: StepRecord) => void
  readonly close: () => void
}

/** Opens (creating if needed) a journal for appending; large values go to `store`, named by digest (`value-store.ts`). */
export const openJournal = (path: string, store?: ValueStore): Journal => {
  const fd = openSync(path, 'a')
  return {
    append: (r) => {
      writeSync(fd, `${JSON.stringify(store ? withStoredValues(r, store) : r)}\n`)
    },
    close: () => closeSync(fd),
  }
}

/** The latest record of each step in a journal (an unfinished last line is skipped). */
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
