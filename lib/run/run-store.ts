import type { StepRecord, WorkflowRecord } from './records.ts'

/**
 * A run's records as loaded: the workflow's and the latest of each step, in order of first appearance.
 *
 * @example
 * ```ts
 * const { workflow, steps } = await runs.load()
 * workflow.status // 'Succeeded'
 * ```
 */
export interface RunState {
  readonly workflow: WorkflowRecord
  readonly steps: readonly StepRecord[]
}

/**
 * Where the engine keeps what it records about one run: the workflow's record (rewritten whole at each
 * change) and the step records (appended, the latest of a step wins). Writing is synchronous on purpose —
 * a record is small, and the engine appends one per change of a step's state, in order. A record that
 * cannot be written throws a `StorageError` (lib/run/storage-error.ts); the engine then stops the run.
 *
 * @example
 * ```ts
 * const runs: RunStore = folderRunStore('/runs/steps-1')   // the folder journal (workflow.json + steps.jsonl)
 * const stored = runs.saveWorkflow({ name: 'steps', id: 'steps-1', status: 'Running', startedAt, parameters: {}, pid, host })
 * runs.append({ id: 'hello', name: 'hello', parent: null, type: 'Pod', template: 'hello', phase: 'Running', inputs: EMPTY_IO, outputs: EMPTY_IO })
 * runs.close()
 * ```
 */
export interface RunStore {
  /** Where the run is kept, for people and events: a folder, a URL. */
  readonly where: string
  /** Writes the workflow's record whole (replacing the last); returns it as stored (large parameters named by digest). */
  saveWorkflow(r: WorkflowRecord): WorkflowRecord
  /** Appends a step's record whole, or throws a `StorageError` and keeps what was there. */
  append(r: StepRecord): void
  /** Reads the run back as recorded so far. */
  load(): Promise<RunState>
  /** No more records follow (appending after it is an error). */
  close(): void
}
