import { DflowError, problem } from '../../../dsl/problem.ts'
import { jobFiles } from './job-files.ts'
import { only, submittedBy } from './parse-util.ts'
import { jobScript, walltime } from './script.ts'
import type { BatchJob, BatchSystem, JobState, Verdict } from './types.ts'

/** The parallel environment a job with more than one CPU asks for (`-pe smp N`); a site names its own in `header`. */
export const SGE_PE = 'smp'

/** SGE's state letters combine (`qw`, `hqw`, `Eqw`, `dr`, `Rr`): the most telling one decides. */
const verdictOf = (s: string): Verdict =>
  s.includes('d') ? 'cancelled' : s.includes('E') ? 'failed' : /[rt]/.test(s) ? 'running' : /[sST]/.test(s) ? 'running' : /[qwh]/.test(s) ? 'pending' : 'unknown'

const header = (job: BatchJob): string[] => {
  if ((job.nodes ?? 1) > 1) throw new DflowError([problem(['nodes'], 'SGE has no node count', 'ask for cpus (slots of a parallel environment) instead')])
  const f = jobFiles(job)
  const r = job.resources ?? {}
  return [
    `#$ -N ${job.name}`,
    '#$ -S /bin/bash',
    `#$ -wd ${job.workDir}`,
    `#$ -o ${f.stdout}`,
    `#$ -e ${f.stderr}`,
    ...((r.cpus ?? 1) > 1 ? [`#$ -pe ${SGE_PE} ${r.cpus}`] : []),
    ...(r.memoryMiB ? [`#$ -l h_vmem=${r.memoryMiB}M`] : []),
    ...(r.gpus ? [`#$ -l gpu=${r.gpus}`] : []),
    ...(r.walltimeSeconds ? [`#$ -l h_rt=${walltime(r.walltimeSeconds, false)}`] : []),
    ...(job.queue ? [`#$ -q ${job.queue}`] : []),
  ]
}

/**
 * SGE (Son of Grid Engine 8.1): `qsub -terse`, one `qstat -xml -u *` per poll. qstat forgets a job once it ends
 * and qacct lags by its flush time, so a finished job is absent here and its exit-code file decides.
 *
 * @example
 * ```ts
 * sge.parseSubmit({ exitCode: 0, stdout: '17\n', stderr: '' }) // { id: '17' }
 * ```
 */
export const sge: BatchSystem = {
  name: 'sge',
  render: (job) => jobScript(header(job), job),
  submit: (script, job) => ({ argv: ['qsub', '-terse', script], cwd: job.workDir }),
  parseSubmit: (r) => submittedBy(/^(\d+)(?:\.\S+)?$/, r),
  status: () => ({ argv: ['qstat', '-xml', '-u', '*'] }),
  parseStatus: (r, ids) =>
    only(
      ids,
      [...r.stdout.matchAll(/<job_list\b[^>]*>([\s\S]*?)<\/job_list>/g)].flatMap((m) => {
        const id = /<JB_job_number>\s*(\d+)\s*<\/JB_job_number>/.exec(m[1]!)?.[1]
        const raw = /<state>\s*([^<\s]*)\s*<\/state>/.exec(m[1]!)?.[1]
        return id && raw ? [[id, { verdict: verdictOf(raw), raw } satisfies JobState] as const] : []
      }),
    ),
  fallbacks: [],
  cancel: (ids) => ({ argv: ['qdel', ...ids] }),
}
