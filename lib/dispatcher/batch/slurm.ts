import { arrayFiles } from './job-files.ts'
import { lines, namesToIds, only, stateFrom, submittedBy } from './parse-util.ts'
import { jobScript, walltime } from './script.ts'
import type { BatchJob, BatchSystem, CommandResult, JobState, StatusFallback, Verdict } from './types.ts'

/** Slurm's job states (squeue %T, sacct State, scontrol JobState) to verdicts. */
const STATES: Readonly<Record<string, Verdict>> = {
  PENDING: 'pending',
  CONFIGURING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_FED: 'pending',
  REQUEUE_HOLD: 'pending',
  RESV_DEL_HOLD: 'pending',
  RUNNING: 'running',
  COMPLETING: 'running',
  RESIZING: 'running',
  SIGNALING: 'running',
  STAGE_OUT: 'running',
  SUSPENDED: 'running',
  STOPPED: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  SPECIAL_EXIT: 'failed',
  CANCELLED: 'cancelled',
  REVOKED: 'cancelled',
  TIMEOUT: 'timeout',
  DEADLINE: 'timeout',
  NODE_FAIL: 'node-fail',
  BOOT_FAIL: 'node-fail',
  PREEMPTED: 'preempted',
  OUT_OF_MEMORY: 'out-of-memory',
}

/** `3:0` (code:signal) to the exit code, when there is no signal. */
const exitOf = (s: string | undefined): { exitCode?: number } => {
  const m = /^(\d+):(\d+)$/.exec(s ?? '')
  return m && m[2] === '0' ? { exitCode: Number(m[1]) } : {}
}

/** sacct prints `CANCELLED by 1001`: the first word is the state. */
const word = (s: string): string => s.trim().split(/\s+/)[0] ?? ''

const header = (job: BatchJob): string[] => {
  const f = arrayFiles(job, '%a')
  const r = job.resources ?? {}
  return [
    `#SBATCH --job-name=${job.name}`,
    `#SBATCH --chdir=${job.workDir}`,
    `#SBATCH --output=${f.stdout}`,
    `#SBATCH --error=${f.stderr}`,
    // the engine decides retries: a job Slurm requeued after a node failure would run its calls twice
    '#SBATCH --no-requeue',
    ...(job.array ? [`#SBATCH --array=0-${job.array - 1}`] : []),
    `#SBATCH --nodes=${job.nodes ?? 1}`,
    '#SBATCH --ntasks-per-node=1',
    `#SBATCH --cpus-per-task=${r.cpus ?? 1}`,
    ...(r.memoryMiB ? [`#SBATCH --mem=${r.memoryMiB}M`] : []),
    ...(r.gpus ? [`#SBATCH --gres=gpu:${r.gpus}`] : []),
    ...(r.walltimeSeconds ? [`#SBATCH --time=${walltime(r.walltimeSeconds, true)}`] : []),
    ...(job.queue ? [`#SBATCH --partition=${job.queue}`] : []),
  ]
}

/** `id|STATE|reason` lines from `squeue -o %i|%T|%r` (and `id|STATE|code:signal` from sacct). */
const parsePiped = (r: CommandResult, ids: readonly string[], third: 'reason' | 'exit'): ReadonlyMap<string, JobState> =>
  only(
    ids,
    lines(r.stdout).flatMap((l) => {
      const [id, state, more] = l.split('|').map((s) => s.trim())
      if (!id || !state) return []
      const raw = word(state)
      return [[id, stateFrom(STATES, raw, third === 'reason' ? (more && more !== 'None' ? { reason: more } : {}) : exitOf(more))] as const]
    }),
  )

/** sacct, when accounting is on (here it answers "accounting storage is disabled": no entries). */
const sacct: StatusFallback = {
  command: (ids) => ({ argv: ['sacct', '-n', '-P', '-X', '-j', ids.join(','), '-o', 'JobIDRaw,State,ExitCode'] }),
  parse: (r, ids) => parsePiped(r, ids, 'exit'),
}

/** `scontrol -o show job`: every job the controller still holds, one line each (one query, whatever the count). */
const scontrol: StatusFallback = {
  command: () => ({ argv: ['scontrol', '-o', 'show', 'job'] }),
  parse: (r, ids) =>
    only(
      ids,
      lines(r.stdout).flatMap((l) => {
        const f = new Map([...l.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1]!, m[2]!]))
        // an array element is known to squeue and scancel as ARRAY_TASK; its JobId is a number of its own
        const task = f.get('ArrayTaskId')
        const id = f.get('ArrayJobId') && task && /^\d+$/.test(task) ? `${f.get('ArrayJobId')}_${task}` : f.get('JobId')
        const raw = f.get('JobState')
        if (!id || !raw) return []
        const reason = f.get('Reason')
        return [[id, stateFrom(STATES, raw, { ...(reason && reason !== 'None' ? { reason } : {}), ...exitOf(f.get('ExitCode')) })] as const]
      }),
    ),
}

/**
 * Slurm: `sbatch --parsable`, one `squeue -h -r -t all -j ID,ID… -o %i|%T|%r` per poll (finished jobs stay
 * visible to it for MinJobAge; `-r` prints each array element, `ID_INDEX`, on its own line), then sacct and
 * `scontrol -o show job` for the ids it no longer knows. Arrays: `--array=0-(N-1)`, elements `ID_INDEX`, the
 * limit from `scontrol show config` (MaxArraySize); names: one `squeue --name=A,B…`.
 *
 * @example
 * ```ts
 * slurm.submit('/w/a/a.sh', job).argv // ['sbatch', '--parsable', '/w/a/a.sh']
 * slurm.parseSubmit({ exitCode: 0, stdout: '42;cluster\n', stderr: '' }) // { id: '42' }
 * ```
 */
export const slurm: BatchSystem = {
  name: 'slurm',
  render: (job) => jobScript(header(job), job, '"$SLURM_ARRAY_TASK_ID"'),
  submit: (script, job) => ({ argv: ['sbatch', '--parsable', script], cwd: job.workDir }),
  parseSubmit: (r) => submittedBy(/^(\d+(?:_\d+)?)(?:;.*)?$/, r),
  status: (ids) => ({ argv: ['squeue', '-h', '-r', '-t', 'all', '-j', ids.join(','), '-o', '%i|%T|%r'] }),
  parseStatus: (r, ids) => parsePiped(r, ids, 'reason'),
  fallbacks: [sacct, scontrol],
  cancel: (ids) => ({ argv: ['scancel', ...ids] }),
  array: {
    index: '"$SLURM_ARRAY_TASK_ID"',
    elementId: (id, index) => `${id}_${index}`,
    limit: {
      command: { argv: ['scontrol', 'show', 'config'] },
      // "MaxArraySize = 1001": indices 0…1000, so as many elements (0-based)
      parse: (r) => { const m = /^MaxArraySize\s*=\s*(\d+)/m.exec(r.stdout); return m ? Number(m[1]) : undefined },
    },
  },
  byName: {
    // only this user's jobs: another user's job of the same name is not ours to wait for
    command: (names) => ({ argv: ['squeue', '--me', '-h', '-t', 'all', `--name=${names.join(',')}`, '-o', '%F|%j'] }),
    parse: (r, names) => namesToIds(r.stdout, names),
  },
}
