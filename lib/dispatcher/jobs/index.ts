/**
 * The polite job queue the dispatcher's executor calls: calls in, outcomes out, the scheduler asked as little as
 * possible; with the one mapping of resources to batch options, and DPDispatcher's dicts.
 *
 * @example
 * ```ts
 * import { jobQueue, jobShape } from './lib/dispatcher/jobs/index.ts'
 * const q = jobQueue({ system: slurm, exec: localExec, root: '/scratch/r1/jobs', journal: '/runs/r1/jobs.jsonl' })
 * const o = await q.submit({ runId: 'r1', callId: 'a', command: 'true', workDir: '/scratch/r1/a', shape: jobShape({ options: [{ partition: 'debug' }] }) })
 * ```
 */
export type { JobOutcome, JobShape, JobSpec } from './types.ts'
export { jobQueue, type JobEvent, type JobQueue, type JobQueueOptions, type JobQueueStats } from './queue.ts'
export { jobShape, cpusOf, mebibytesOf, walltimeSeconds, type BatchOptions, type ShapeInput } from './resources.ts'
export { fromDpdispatcher, type DpConfig, type DpContext } from './dpdispatcher.ts'
export { DEFAULT_POLL, nextInterval, type PollInterval } from './poll-interval.ts'
export { appendJournal, readJournal, callKey, type JournalRecord, type JournaledJob } from './journal.ts'
export { callFiles, jobName } from './names.ts'
export { groupCommand, type CallInJob } from './group-command.ts'
export { batchJobOf, budgetMs, type TimedCall } from './batch-job.ts'
export { collectCommand, parseCollect, type CallFiles } from './collect.ts'
export { callOutcome, phaseOfVerdict, type JobRef } from './outcome.ts'
