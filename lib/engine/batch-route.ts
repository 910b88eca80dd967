import type { LeafTemplate } from 'dflow-ts'
import type { RunLayout } from '../run/layout.ts'
import { EMPTY_IO } from '../run/records.ts'
import type { LeafExecutor } from './executor.ts'

/**
 * How an interpreter that runs steps itself (local) gets the executor for its templates that ask to run as
 * batch jobs (`batch: { system: 'slurm', … }`): made per run, for the run's folder. The dispatcher provides
 * one (`batchJobs()` in `dflow-ts/dispatcher`); the composition (the CLI, or the user) hands it over, so the
 * local interpreter never imports the dispatcher.
 *
 * @example
 * ```ts
 * local({ batch: batchJobs({ context: sshContext(cfg) }) })
 * ```
 */
export type BatchJobs = (run: { readonly layout: RunLayout; readonly runId: string }) => LeafExecutor

const asksForBatch = (t: LeafTemplate): boolean => t.batch !== undefined

/**
 * One executor of a run from two: calls of templates with `batch` settings go to `batch`, the others to
 * `main`; without a batch executor such a call errs, saying how to run it.
 *
 * @example
 * ```ts
 * const executor = routeBatch(localExecutor(settings), config.batch?.({ layout, runId }))
 * ```
 */
export const routeBatch = (main: LeafExecutor, batch: LeafExecutor | undefined): LeafExecutor => ({
  ...main,
  run: (call, signal, on) => {
    if (!asksForBatch(call.template)) return main.run(call, signal, on)
    if (batch) return batch.run(call, signal, on)
    const system = call.template.batch!.system
    return Promise.resolve({ phase: 'Error', outputs: {}, record: EMPTY_IO, message: `template "${call.template.name}" asks to run as a ${system} batch job, and this run has no batch executor: run it with dflow run, or give local({ batch: batchJobs() }) from dflow-ts/dispatcher` })
  },
  archive: (call) => (asksForBatch(call.template) && batch ? batch.archive?.(call) : main.archive?.(call)),
  close: async () => {
    await Promise.all([main.close?.(), batch?.close?.()])
  },
})
