import type { Workflow } from 'dflow-ts'
import { runWorkflow, type EngineRun } from '../engine/run.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { driverIdentity } from '../run/driver.ts'
import { folderRunStore } from '../run/folder-run-store.ts'
import { decodersOf, runView, type Decoders, type Run } from '../run/run-view.ts'

/** What a run on this machine's engine gives beyond its folder: all of {@link EngineRun} but the journal and driver. */
export type FolderRunSettings = Omit<EngineRun, 'runs' | 'driver'> & {
  /** The workflow's templates by name (default: read from the workflow). */
  readonly decoders?: Decoders
  /** Stores the run's artifact locations may name, for the view's downloads. */
  readonly stores?: readonly ArtifactStore[]
}

/**
 * Runs a workflow on the engine in its run folder `dir` — the folder journal as its run store, this process as
 * its driver — and returns the run's view: the composition every interpreter on this machine shares (local,
 * dispatcher), whatever its executor.
 *
 * @example
 * ```ts
 * const run = await runInFolder(wf, dir, { runId: id, params, executor, baseDir: process.cwd() })
 * run.status // 'Succeeded'
 * ```
 */
export const runInFolder = async (wf: Workflow<any>, dir: string, settings: FolderRunSettings): Promise<Run> => {
  const { decoders, stores, ...engine } = settings
  const { workflow, steps } = await runWorkflow(wf, { ...engine, runs: folderRunStore(dir), driver: driverIdentity() })
  return runView(dir, workflow, steps, decoders ?? decodersOf(wf), stores ?? [])
}
