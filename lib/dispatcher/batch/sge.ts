import { DflowError, problem } from '../../../dsl/problem.ts'
import { arrayFiles } from './job-files.ts'
import { namesToIds, only, submittedBy } from './parse-util.ts'
import { jobScript, walltime } from './script.ts'
import type { BatchJob, BatchSystem, JobState, Verdict } from './types.ts'

const sgeIndex = '$((SGE_TASK_ID - 1))'

/** The parallel environment a job with more than one CPU asks for (`-pe smp N`); a site names its own in `header`. */
export const SGE_PE = 'smp'

/** SGE's state letters combine (`qw`, `hqw`, `Eqw`, `dr`, `Rr`): the most telling one decides. */
const verdictOf = (s: string): Verdict =>
  s.includes('d') ? 'cancelled' : s.includes('E') ? 'failed' : /[rt]/.test(s) ? 'running' : /[sST]/.test(s) ? 'running' : /[qwh]/.test(s) ? 'pending' : 'unknown'

const header = (job: BatchJob): string[] => {
  if ((job.nodes ?? 1) > 1) throw new DflowError([problem(['nodes'], 'SGE has no node count', 'ask for cpus (slots of a parallel environment) instead')])
  const f = arrayFiles(job, '$TASK_ID')
  const r = job.resources ?? {}
  return [
    `#$ -N ${job.name}`,
    '#$ -S /bin/bash',
    `#$ -wd ${job.workDir}`,
    `#$ -o ${f.stdout}`,
    `#$ -e ${f.stderr}`,
    ...(job.array ? [`#$ -t 1-${job.array}`] : []),
    ...((r.cpus ?? 1) > 1 ? [`#$ -pe ${SGE_PE} ${r.cpus}`] : []),
    ...(r.memoryMiB ? [`#$ -l h_vmem=${r.memoryMiB}M`] : []),
    ...(r.gpus ? [`#$ -l gpu=${r.gpus}`] : []),
    ...(r.walltimeSeconds ? [`#$ -l h_rt=${walltime(r.walltimeSeconds, false)}`] : []),
    ...(job.queue ? [`#$ -q ${job.queue}`] : []),
  ]
}

/**
 * SGE (Son of Grid Engine 8.1): `qsub -terse`, one `qstat -xml -u *` per poll (names: this user's `qstat -xml`). Arrays: `-t 1-N`
 * (tasks are 1-based: element `i` is `ID.(i+1)`), the limit from `qconf -sconf` (max_aj_tasks). qstat forgets a job once it ends
 * and qacct lags by its flush time, so a finished job is absent here and its exit-code file decides.
 *
 * @example
 * ```ts
 * sge.parseSubmit({ exitCode: 0, stdout: '17\n', stderr: '' }) // { id: '17' }
 * ```
 */
export const sge: BatchSystem = {
  name: 'sge',
  render: (job) => jobScript(header(job), job, sgeIndex),
  submit: (script, job) => ({ argv: ['qsub', '-terse', script], cwd: job.workDir }),
  parseSubmit: (r) => submittedBy(/^(\d+)(?:\.\S+)?$/, r),
  status: () => ({ argv: ['qstat', '-xml', '-u', '*'] }),
  parseStatus: (r, ids) =>
    only(
      ids,
      jobList(r.stdout).flatMap(({ id, raw, tasks }) => {
        const state: JobState = { verdict: verdictOf(raw), raw }
        // an array's elements: `ID.TASK` for each task (a pending range `1-4:1` names several)
        return [[id, state] as const, ...taskIds(tasks).map((t) => [`${id}.${t}`, state] as const)]
      }),
    ),
  fallbacks: [],
  cancel: (ids) => ({ argv: ['qdel', ...ids] }),
  array: {
    index: sgeIndex,
    elementId: (id, index) => `${id}.${index + 1}`,
    limit: {
      command: { argv: ['qconf', '-sconf'] },
      parse: (r) => { const m = /^max_aj_tasks\s+(\d+)/m.exec(r.stdout); return m && m[1] !== '0' ? Number(m[1]) : undefined },
    },
  },
  byName: {
    command: () => ({ argv: ['qstat', '-xml'] }), // this user's jobs only (qstat's default)
    parse: (r, names) => namesToIds(jobList(r.stdout).map((j) => `${j.id}|${j.name}`).join('\n'), names),
  },
}

/** The `<job_list>` entries of `qstat -xml`: id, state, name and the array tasks (`3`, `1-4:1`, `2,5`). */
const jobList = (xml: string) =>
  [...xml.matchAll(/<job_list\b[^>]*>([\s\S]*?)<\/job_list>/g)].flatMap((m) => {
    const field = (tag: string) => new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(m[1]!)?.[1]
    const id = field('JB_job_number')
    const raw = field('state')
    return id && /^\d+$/.test(id) && raw ? [{ id, raw, name: field('JB_name') ?? '', tasks: field('tasks') ?? '' }] : []
  })

/** Task numbers of a `<tasks>` text: `3`, `1-7:2`, `2,5` (at most 100,000, so a bogus range cannot run away). */
const taskIds = (tasks: string): number[] =>
  tasks.split(',').flatMap((part) => {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim())
    if (!m) return []
    const [from, to, step] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3] ?? 1)]
    return step > 0 && to >= from && (to - from) / step < 100_000 ? Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step) : []
  })
