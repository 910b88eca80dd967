import { posix } from 'node:path'
import type { BatchJob } from './types.ts'

/**
 * Where a job's files live: all in its work dir, named after the job (deterministic, so that a driver started
 * again finds them).
 *
 * @example
 * ```ts
 * jobFiles({ name: 'a', command: 'true', workDir: '/w/a' }).exitCode // '/w/a/a.exit'
 * ```
 */
export const jobFiles = (job: BatchJob) => ({
  script: posix.join(job.workDir, `${job.name}.sh`),
  stdout: posix.join(job.workDir, `${job.name}.out`),
  stderr: posix.join(job.workDir, `${job.name}.err`),
  /** Written by the script's trailer (atomically: a temporary name, then `mv`) with the command's exit status. */
  exitCode: posix.join(job.workDir, `${job.name}.exit`),
})

/**
 * The scheduler's output files of a job, with `pattern` (the system's own placeholder of the element index:
 * Slurm `%a`, SGE `$TASK_ID`) in their names for an array.
 *
 * @example
 * ```ts
 * arrayFiles({ name: 'a', command: 'true', workDir: '/w', array: 3 }, '%a').stdout // '/w/a.%a.out'
 * ```
 */
export const arrayFiles = (job: BatchJob, pattern: string): { readonly stdout: string; readonly stderr: string } => {
  const f = jobFiles(job)
  if (job.array === undefined) return f
  const base = posix.join(job.workDir, `${job.name}.${pattern}`)
  return { stdout: `${base}.out`, stderr: `${base}.err` }
}

/**
 * The exit-code file element `index` of an array job writes.
 *
 * @example
 * ```ts
 * elementExitFile({ name: 'a', command: 'true', workDir: '/w', array: 3 }, 2) // '/w/a.2.exit'
 * ```
 */
export const elementExitFile = (job: BatchJob, index: number): string => posix.join(job.workDir, `${job.name}.${index}.exit`)

/**
 * The exit status in an exit-code file's text, or undefined when the text is not one (missing, partial).
 *
 * @example
 * ```ts
 * parseExitCode('3\n') // 3
 * parseExitCode('') // undefined
 * ```
 */
export const parseExitCode = (text: string): number | undefined => {
  const m = /^\s*(\d{1,3})\s*$/.exec(text)
  return m ? Number(m[1]) : undefined
}
