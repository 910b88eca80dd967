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
