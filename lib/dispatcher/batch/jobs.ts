import { jobFiles, parseExitCode } from './job-files.ts'
import type { BatchJob, BatchSystem, Exec, JobState, Submitted } from './types.ts'

/**
 * Writes the job's script into its work dir (through `exec`, so it works wherever exec reaches) and submits it.
 *
 * @example
 * ```ts
 * const s = await submitJob(slurm, localExec, { name: 'a', command: 'true', workDir: '/tmp/a' }) // { id: '42' }
 * ```
 */
export const submitJob = async (system: BatchSystem, exec: Exec, job: BatchJob): Promise<Submitted> => {
  const script = jobFiles(job).script
  const text = system.render(job)
  const w = await exec({ argv: ['sh', '-c', 'mkdir -p "$1" && cat > "$0.tmp" && mv -f "$0.tmp" "$0"', script, job.workDir], input: text })
  if (w.exitCode !== 0) return { error: `writing ${script}: ${w.stderr.trim() || `exit ${w.exitCode}`}` }
  return system.parseSubmit(await exec(system.submit(script, job)))
}

/**
 * The states of many jobs from ONE status query, then one query per fallback for the ids still missing
 * (never one query per job). An id no query knows is absent: read its exit-code file.
 *
 * @example
 * ```ts
 * const states = await queryJobs(slurm, localExec, ['41', '42']) // Map { '41' => { verdict: 'running', … } }
 * ```
 */
export const queryJobs = async (system: BatchSystem, exec: Exec, ids: readonly string[]): Promise<ReadonlyMap<string, JobState>> => {
  if (ids.length === 0) return new Map()
  const found = new Map(system.parseStatus(await exec(system.status(ids)), ids))
  for (const fallback of system.fallbacks) {
    const missing = ids.filter((id) => !found.has(id))
    if (missing.length === 0) break
    for (const [id, s] of fallback.parse(await exec(fallback.command(missing)), missing)) found.set(id, s)
  }
  return found
}

/** Cancels jobs with one command. @example await cancelJobs(slurm, localExec, ['41', '42']) */
export const cancelJobs = async (system: BatchSystem, exec: Exec, ids: readonly string[]): Promise<void> => {
  if (ids.length > 0) await exec(system.cancel(ids))
}

/**
 * The exit status the job's trailer wrote, or undefined while there is none (running, or killed before it).
 *
 * @example
 * ```ts
 * await readExitCode(localExec, job) // 0
 * ```
 */
export const readExitCode = async (exec: Exec, job: BatchJob): Promise<number | undefined> => {
  const r = await exec({ argv: ['cat', jobFiles(job).exitCode] })
  return r.exitCode === 0 ? parseExitCode(r.stdout) : undefined
}

/**
 * One verdict from the scheduler's state (absent when it has forgotten the job) and the exit-code file: the
 * file settles a job the scheduler no longer knows or calls plainly finished; a scheduler's cancel, timeout,
 * node failure, preemption or out-of-memory stands (the file, if any, adds the exit code).
 *
 * @example
 * ```ts
 * settle(undefined, 0) // { verdict: 'succeeded', raw: 'exit-file', exitCode: 0 }
 * settle({ verdict: 'timeout', raw: 'TIMEOUT' }, undefined) // { verdict: 'timeout', raw: 'TIMEOUT' }
 * ```
 */
export const settle = (state: JobState | undefined, exitCode: number | undefined): JobState => {
  if (exitCode === undefined) return state ?? { verdict: 'unknown', raw: 'gone' }
  if (!state || state.verdict === 'unknown' || state.verdict === 'succeeded' || state.verdict === 'failed' || state.verdict === 'running')
    return { ...(state ?? {}), verdict: exitCode === 0 ? 'succeeded' : 'failed', raw: state?.raw ?? 'exit-file', exitCode }
  return { ...state, exitCode }
}
