import { posix } from 'node:path'
import { DflowError, problem, type Problem } from '../../../dsl/problem.ts'
import { jobFiles } from './job-files.ts'
import { shellQuote } from './shell-quote.ts'
import type { BatchJob } from './types.ts'

const positiveInt = (n: number | undefined): boolean => n === undefined || (Number.isInteger(n) && n > 0)

/**
 * What is wrong with a job description, as problems naming the field (empty when it is fine).
 *
 * @example
 * ```ts
 * checkJob({ name: '1a', command: 'true', workDir: 'rel' }).map((p) => p.path.join('.')) // ['name', 'workDir']
 * ```
 */
export const checkJob = (job: BatchJob): readonly Problem[] => {
  const out: Problem[] = []
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,62}$/.test(job.name))
    out.push(problem(['name'], `job name ${JSON.stringify(job.name)} is not usable by every scheduler`, 'start with a letter; letters, digits, . _ - only; at most 63 characters'))
  if (!/^\/[A-Za-z0-9._/+@%,:=-]*$/.test(job.workDir))
    out.push(problem(['workDir'], `work dir ${JSON.stringify(job.workDir)} is not an absolute path of plain characters`, 'scheduler header lines cannot quote: use letters, digits and . _ - + @ % , : = / only'))
  for (const k of ['cpus', 'memoryMiB', 'gpus', 'walltimeSeconds'] as const) {
    const v = job.resources?.[k]
    if (!(k === 'gpus' ? v === undefined || (Number.isInteger(v) && v >= 0) : positiveInt(v)))
      out.push(problem(['resources', k], `${k} must be a positive integer, got ${String(v)}`))
  }
  if (job.array !== undefined && !(Number.isInteger(job.array) && job.array >= 1))
    out.push(problem(['array'], `an array needs a positive whole number of elements, got ${String(job.array)}`))
  if (!positiveInt(job.nodes)) out.push(problem(['nodes'], `nodes must be a positive integer, got ${String(job.nodes)}`))
  for (const k of Object.keys(job.env ?? {}))
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out.push(problem(['env', k], `${JSON.stringify(k)} is not an environment variable name`))
  for (const [i, l] of (job.header ?? []).entries())
    if (l.includes('\n')) out.push(problem(['header', String(i)], 'a header line contains a newline', 'give one line per entry'))
  return out
}

/**
 * Walltime as `D-HH:MM:SS` (Slurm) or `HH:MM:SS` (hours may exceed 24: SGE, PBS).
 *
 * @example
 * ```ts
 * walltime(90061, true) // '1-01:01:01'
 * walltime(90061, false) // '25:01:01'
 * ```
 */
export const walltime = (seconds: number, days: boolean): string => {
  const p = (n: number) => String(n).padStart(2, '0')
  const h = Math.floor(seconds / 3600)
  const rest = `${p(Math.floor((seconds % 3600) / 60))}:${p(seconds % 60)}`
  return days ? `${Math.floor(h / 24)}-${p(h % 24)}:${rest}` : `${p(h)}:${rest}`
}

/**
 * A whole job script: shebang, the scheduler's header lines, the job's own header lines, then the body: cd to the
 * work dir, module loads, quoted exports, pre, the command in a subshell (an `exit` in it still reaches the
 * trailer), post, and the trailer that writes the command's status to the exit-code file atomically and exits
 * with it. A SIGTERM to the job shell (a scheduler's cancel or walltime kill, which signal every process of the
 * job) ends it without an exit-code file, so the scheduler's verdict stands even after it forgets the job. A
 * scheduler may signal the job's processes one by one (Slurm's proctrack/linuxproc does), so a command killed by
 * a signal waits two seconds before its status is recorded, for the shell's own SIGTERM to arrive. For an array (`job.array`), `arrayIndex` is the system's shell expression of the element's 0-based
 * index: the body exports it as `DFLOW_ARRAY_INDEX` and each element writes `NAME.INDEX.exit`. Throws a
 * {@link DflowError} for a job {@link checkJob} refuses.
 *
 * @example
 * ```ts
 * jobScript(['#SBATCH --job-name=a'], { name: 'a', command: 'true', workDir: '/w/a' }).split('\n')[0] // '#!/bin/bash'
 * ```
 */
export const jobScript = (header: readonly string[], job: BatchJob, arrayIndex?: string): string => {
  const problems = checkJob(job)
  if (problems.length > 0) throw new DflowError(problems)
  const exit = job.array === undefined ? shellQuote(jobFiles(job).exitCode) : '"$__dflow_exit"'
  return [
    '#!/bin/bash',
    ...header,
    ...(job.header ?? []),
    `# dflow-ts batch job ${job.name}`,
    ...(job.array === undefined ? [] : [
      `export DFLOW_ARRAY_INDEX=${arrayIndex ?? '0'}`,
      `__dflow_exit=${shellQuote(posix.join(job.workDir, job.name))}."$DFLOW_ARRAY_INDEX".exit`,
    ]),
    `__dflow_done() { printf '%s\\n' "$1" > ${exit}.tmp && mv -f ${exit}.tmp ${exit}; exit "$1"; }`,
    "trap 'exit 143' TERM",
    `cd ${shellQuote(job.workDir)} || __dflow_done 1`,
    ...(job.modules ?? []).map((m) => `module load ${shellQuote(m)}`),
    ...Object.entries(job.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    ...(job.pre ? [job.pre] : []),
    '(',
    job.command,
    ')',
    '__dflow_rc=$?',
    '[ "$__dflow_rc" -gt 128 ] && sleep 2',
    ...(job.post ? [job.post] : []),
    '__dflow_done "$__dflow_rc"',
    '',
  ].join('\n')
}
