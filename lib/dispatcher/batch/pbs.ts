import { jobFiles } from './job-files.ts'
import { namesToIds, only, stateFrom, submittedBy } from './parse-util.ts'
import { jobScript, walltime } from './script.ts'
import type { BatchJob, BatchSystem, JobState, Verdict } from './types.ts'

const STATES: Readonly<Record<string, Verdict>> = {
  Q: 'pending',
  H: 'pending',
  W: 'pending',
  T: 'pending',
  M: 'pending',
  R: 'running',
  E: 'running',
  B: 'running',
  S: 'running',
  U: 'running',
}

/** PBS Pro's own exit statuses (job.h JOB_EXEC_*) for jobs it killed; 256+N is "killed by signal N". */
const finished = (raw: string, status: number | undefined): JobState => {
  if (status === undefined) return { verdict: 'unknown', raw }
  const verdict: Verdict =
    status === 0 ? 'succeeded' : status === -29 ? 'timeout' : status === -27 || status === -26 ? 'out-of-memory' : 'failed'
  return { verdict, raw, ...(status >= 0 && status < 256 ? { exitCode: status } : { reason: status >= 256 ? `signal ${status - 256}` : `JOB_EXEC ${status}` }) }
}

const header = (job: BatchJob): string[] => {
  const f = jobFiles(job)
  const r = job.resources ?? {}
  const select = [`select=${job.nodes ?? 1}`, `ncpus=${r.cpus ?? 1}`, ...(r.memoryMiB ? [`mem=${r.memoryMiB}mb`] : []), ...(r.gpus ? [`ngpus=${r.gpus}`] : [])]
  return [
    `#PBS -N ${job.name}`,
    `#PBS -o ${f.stdout}`,
    `#PBS -e ${f.stderr}`,
    `#PBS -l ${select.join(':')}`,
    ...(r.walltimeSeconds ? [`#PBS -l walltime=${walltime(r.walltimeSeconds, false)}`] : []),
    ...(job.queue ? [`#PBS -q ${job.queue}`] : []),
  ]
}

/**
 * PBS Pro / OpenPBS: `qsub` (prints `ID.server`), one `qstat -x -f ID…` per poll (`-x` keeps finished jobs, state
 * `F` with `Exit_status`; Torque's `C` and `exit_status` are read too; names from `Job_Name` of one `qstat -x -f`). Ids it does not know are reported on
 * stderr ("qstat: Unknown Job Id …") while the others are still printed.
 *
 * @example
 * ```ts
 * pbs.parseSubmit({ exitCode: 0, stdout: '1234.pbs01\n', stderr: '' }) // { id: '1234.pbs01' }
 * ```
 */
export const pbs: BatchSystem = {
  name: 'pbs',
  render: (job) => jobScript(header(job), job),
  submit: (script, job) => ({ argv: ['qsub', script], cwd: job.workDir }),
  parseSubmit: (r) => submittedBy(/^(\d+(?:\[\d*\])?(?:\.\S+)?)$/, r),
  status: (ids) => ({ argv: ['qstat', '-x', '-f', ...ids] }),
  parseStatus: (r, ids) =>
    only(
      ids,
      blocks(r.stdout).flatMap(({ id, attrs }) => {
        const raw = attrs.get('job_state')
        if (!raw) return []
        const status = attrs.get('exit_status')
        const state = raw === 'F' || raw === 'C' || raw === 'X' ? finished(raw, status === undefined ? undefined : Number(status)) : stateFrom(STATES, raw)
        return [[id, state] as const]
      }),
    ),
  fallbacks: [],
  cancel: (ids) => ({ argv: ['qdel', ...ids] }),
  byName: {
    command: () => ({ argv: ['qstat', '-x', '-f'] }),
    parse: (r, names) => namesToIds(blocks(r.stdout).map(({ id, attrs }) => `${id}|${attrs.get('job_name') ?? ''}`).join('\n'), names),
  },
}

/** The `Job Id:` blocks of `qstat -f`, attribute names lower-cased. */
const blocks = (text: string) =>
  text
    .replace(/\r/g, '')
    .replace(/\n\t/g, '') // a long attribute continues on a line starting with a tab
    .split(/^Job Id:\s*/m)
    .slice(1)
    .map((block) => {
      const [first = '', ...rest] = block.split('\n')
      const attrs = new Map(rest.flatMap((l) => { const m = /^\s+([\w.]+)\s*=\s*(.*)$/.exec(l); return m ? [[m[1]!.toLowerCase(), m[2]!.trim()] as const] : [] }))
      return { id: first.trim(), attrs }
    })
