/**
 * The run model every interpreter returns — local, dispatcher and Argo alike: the records (a workflow record
 * and one record per step, with Argo's phases), the journal format they are kept in, and the queries over
 * them (`Run`, `StepView`, `StepFilter`) with inputs and outputs decoded by their codecs.
 *
 * What is synchronous and what is not, for every interpreter:
 * - **synchronous** — everything in a loaded snapshot of the run: `run.status`, `run.steps(filter)`,
 *   `run.step(x)`, a step's phase, exit code, message, attempts, progress, its parameter inputs and outputs
 *   (decoded values) and its artifact outputs as *locations* (a store and a key: reading one is not fetching
 *   it). A snapshot does not change: `openRun` again for a newer one.
 * - **asynchronous** — whatever may be remote: opening a run (`openRun`), a step's log (`readLog()`; an Argo
 *   pod's log is fetched from the cluster) and an artifact's content (`location.download(dir)`, from a folder
 *   store or a bucket). `log()`, `logPath` and `dir` are the synchronous forms for a run whose folder is on
 *   this machine (local and dispatcher runs).
 *
 * Writing goes through a {@link RunStore} (the folder journal: `workflow.json` + `steps.jsonl`), given to the
 * engine as a value.
 *
 * @example
 * ```ts
 * import { openRun } from './lib/run/index.ts'
 * const run = await openRun('.dflow-runs/steps-20261125-104512-3f9a', wf)
 * run.step('hello3').outputs.msg       // 4 (sync: a decoded parameter)
 * await run.step('hello3').readLog()   // 'Hello\n' (async: may be remote)
 * ```
 *
 * @module
 */
export type { Run, StepView, StepFilter, OutputsOf, Decoders } from './run-view.ts'
export { openRun, listRuns, runView, decodersOf } from './run-view.ts'
export type { RunEvent } from './events.ts'
export type { Phase, StepType, StepRecord, WorkflowRecord, WorkflowOutputsRecord, IoRecord, AttemptRecord, JobRecord } from './records.ts'
export type { Reused } from './reused.ts'
export { EMPTY_IO, FINAL_PHASES, PHASES, STEP_TYPES } from './records.ts'
export type { RunState, RunStore } from './run-store.ts'
export { folderRunStore, loadRunFolder } from './folder-run-store.ts'
export { StorageError, storageMessage } from './storage-error.ts'
export { driverIdentity, type DriverIdentity } from './driver.ts'
export { runLayout, type RunLayout } from './layout.ts'
