import { jobFiles } from './job-files.ts'
import { lines, namesToIds, only, stateFrom, submittedBy } from './parse-util.ts'
import { jobScript } from './script.ts'
import type { BatchJob, BatchSystem, JobState, Verdict } from './types.ts'

const STATES: Readonly<Record<string, Verdict>> = {
  PEND: 'pending',
  PROV: 'pending',
  WAIT: 'pending',
  PSUSP: 'pending',
  RUN: 'running',
  USUSP: 'running',
  SSUSP: 'running',
  DONE: 'succeeded',
  EXIT: 'failed',
}

/** An EXIT job's termination reason (the TERM_* code or its text) refines "failed". */
const exitVerdict = (reason: string): Verdict =>
  /RUNLIMIT|run ?time limit/i.test(reason) ? 'timeout'
  : /MEMLIMIT|memory limit/i.test(reason) ? 'out-of-memory'
  : /PREEMPT/i.test(reason) ? 'preempted'
  : /TERM_OWNER|TERM_ADMIN|TERM_FORCE_OWNER|TERM_FORCE_ADMIN|killed by (owner|admin)/i.test(reason) ? 'cancelled'
  : /TERM_HOST|TERM_ZOMBIE|host (failure|unavailable)/i.test(reason) ? 'node-fail'
  : 'failed'

const header = (job: BatchJob): string[] => {
  const f = jobFiles(job)
  const r = job.resources ?? {}
  const cpus = r.cpus ?? 1
  return [
    `#BSUB -J ${job.name}`,
    `#BSUB -cwd ${job.workDir}`,
    `#BSUB -o ${f.stdout}`,
    `#BSUB -e ${f.stderr}`,
    `#BSUB -n ${(job.nodes ?? 1) * cpus}`,
    `#BSUB -R "span[ptile=${cpus}]"`,
    ...(r.memoryMiB ? [`#BSUB -M ${r.memoryMiB}MB`, `#BSUB -R "rusage[mem=${r.memoryMiB}MB]"`] : []),
    ...(r.gpus ? [`#BSUB -gpu "num=${r.gpus}"`] : []),
    ...(r.walltimeSeconds ? [`#BSUB -W ${Math.ceil(r.walltimeSeconds / 60)}`] : []),
    ...(job.queue ? [`#BSUB -q ${job.queue}`] : []),
  ]
}

/** The fields asked of bjobs, in order; `-` is an empty field. */
const FIELDS = 'jobid stat exit_code exit_reason'

/**
 * LSF: `bsub < script` (bsub reads `#BSUB` lines only from standard input), one
 * `bjobs -noheader -o "jobid stat exit_code exit_reason delimiter='|'" ID…` per poll; unknown ids are reported on
 * stderr ("Job <N> is not found") while the others are printed. Names: one `bjobs -a` of every job (`jobid job_name`).
 *
 * @example
 * ```ts
 * lsf.parseSubmit({ exitCode: 0, stdout: 'Job <123> is submitted to queue <normal>.\n', stderr: '' }) // { id: '123' }
 * ```
 */
export const lsf: BatchSystem = {
  name: 'lsf',
  render: (job) => jobScript(header(job), job),
  submit: (script, job) => ({ argv: ['sh', '-c', 'exec bsub < "$0"', script], cwd: job.workDir }),
  parseSubmit: (r) => submittedBy(/^Job <(\d+)> is submitted/, r),
  status: (ids) => ({ argv: ['bjobs', '-noheader', '-o', `${FIELDS} delimiter='|'`, ...ids] }),
  parseStatus: (r, ids) =>
    only(
      ids,
      lines(r.stdout).flatMap((l) => {
        const [id, raw, code, reason] = l.split('|').map((s) => s.trim())
        if (!id || !raw || !/^\d+(\[\d+\])?$/.test(id)) return []
        const extra = {
          ...(code && /^\d+$/.test(code) ? { exitCode: Number(code) } : raw === 'DONE' ? { exitCode: 0 } : {}),
          ...(reason && reason !== '-' ? { reason } : {}),
        }
        const state: JobState = raw === 'EXIT' ? { verdict: exitVerdict(reason ?? ''), raw, ...extra } : stateFrom(STATES, raw, extra)
        return [[id, state] as const]
      }),
    ),
  fallbacks: [],
  cancel: (ids) => ({ argv: ['bkill', ...ids] }),
  byName: {
    command: () => ({ argv: ['bjobs', '-a', '-noheader', '-o', "jobid job_name delimiter='|'"] }),
    parse: (r, names) => namesToIds(r.stdout, names),
  },
}
