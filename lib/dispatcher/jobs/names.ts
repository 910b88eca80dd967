import { createHash } from 'node:crypto'
import { posix } from 'node:path'

const hash = (parts: readonly string[], n: number): string => createHash('sha1').update(parts.join('\0')).digest('hex').slice(0, n)

/**
 * The job name of a submission: `df` and 13 hex digits of a hash of the run id and the call ids it runs, in
 * order. Deterministic (a driver started again derives the same name and finds the job by it), valid for every
 * scheduler (starts with a letter) and at most 15 characters (PBS and Torque truncate longer names).
 *
 * @example
 * ```ts
 * jobName('run-1', ['hello']) // 'df' + 13 hex digits, the same on every call
 * ```
 */
export const jobName = (runId: string, callIds: readonly string[]): string => `df${hash([runId, ...callIds], 13)}`

/**
 * Where a call's own files are, without their extension: `WORKDIR/dflow-HASH` + `.out`, `.err`, `.exit` (the
 * hash of run id and call id keeps attempts that share a folder apart).
 *
 * @example
 * ```ts
 * callFiles('run-1', 'hello', '/scratch/hello') // '/scratch/hello/dflow-<12 hex digits>'
 * ```
 */
export const callFiles = (runId: string, callId: string, workDir: string): string => posix.join(workDir, `dflow-${hash([runId, callId], 12)}`)
