/**
 * Batch systems behind one interface (not yet an interpreter: the dispatcher's executor will plug them in).
 *
 * @example
 * ```ts
 * import { slurm, submitJob, queryJobs, localExec } from './lib/dispatcher/batch/index.ts'
 * const s = await submitJob(slurm, localExec, { name: 'a', command: 'echo hi', workDir: '/tmp/a' })
 * ```
 */
export type { ArraySupport, NameLookup, BatchJob, BatchResources, BatchSystem, Command, CommandResult, Exec, JobState, StatusFallback, Submitted, Verdict } from './types.ts'
export { slurm } from './slurm.ts'
export { sge, SGE_PE } from './sge.ts'
export { pbs } from './pbs.ts'
export { lsf } from './lsf.ts'
export { shell } from './shell.ts'
export { checkJob, jobScript, walltime } from './script.ts'
export { arrayFiles, elementExitFile, jobFiles, parseExitCode } from './job-files.ts'
export { namesToIds } from './parse-util.ts'
export { shellQuote } from './shell-quote.ts'
export { localExec, localExecWith } from './local-exec.ts'
export { cancelJobs, queryJobs, readExitCode, settle, submitJob } from './jobs.ts'
