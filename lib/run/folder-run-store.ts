import { readFile, stat } from 'node:fs/promises'
import { writeJsonAtomic } from './atomic.ts'
import { withDriverFate } from './interrupted.ts'
import { openJournal, readJournal } from './journal.ts'
import { runLayout } from './layout.ts'
import type { WorkflowRecord } from './records.ts'
import type { RunState, RunStore } from './run-store.ts'
import { storeParameters, valueStore } from './value-store.ts'

/**
 * Reads a run folder's records: `workflow.json` and the journal, with the driver's fate applied (a run whose
 * driver is gone though it never finished reads as interrupted: see `withDriverFate`).
 *
 * @example
 * ```ts
 * const { workflow, steps } = await loadRunFolder('/runs/steps-1')
 * ```
 */
export const loadRunFolder = async (dir: string): Promise<RunState> => {
  const l = runLayout(dir)
  const recorded = JSON.parse(await readFile(l.workflowFile, 'utf8')) as WorkflowRecord
  const lastRecordAt = await stat(l.journal).then((s) => (s.size > 0 ? s.mtime.toISOString() : undefined), () => undefined)
  return withDriverFate(recorded, readJournal(l.journal), lastRecordAt)
}

/**
 * The folder journal: a run folder's `workflow.json` (written atomically) and step journal `steps.jsonl`
 * (one line per record, see `journal.ts`), large values once in `values/` (see `value-store.ts`). The
 * folder must exist; the journal is opened now.
 *
 * @example
 * ```ts
 * const runs = folderRunStore('/runs/steps-1')
 * runs.append(record)
 * runs.close()
 * ```
 */
export const folderRunStore = (dir: string): RunStore => {
  const layout = runLayout(dir)
  const values = valueStore(dir)
  const journal = openJournal(layout.journal, values)
  return {
    where: dir,
    saveWorkflow: (r) => {
      const stored = { ...r, ...storeParameters(r.parameters, values) }
      writeJsonAtomic(layout.workflowFile, stored)
      return stored
    },
    append: (r) => journal.append(r),
    load: () => loadRunFolder(dir),
    close: () => journal.close(),
  }
}
