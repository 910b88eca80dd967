import { basename, join } from 'node:path'
import { localExec, type BatchSystem, type Command, type Exec } from '../../../lib/dispatcher/batch/index.ts'
import { jobQueue, type JobQueueOptions, type JobSpec } from '../../../lib/dispatcher/jobs/index.ts'

/**
 * An exec through which every command is recorded (by program name), with a hook that may answer a command
 * itself (to fail a submission, say); otherwise the command runs for real.
 *
 * @example
 * ```ts
 * const rec = counting(); await rec.exec({ argv: ['squeue'] }); rec.count('squeue') // 1
 * ```
 */
export const counting = (answer?: (c: Command) => ReturnType<Exec> | undefined) => {
  const calls: Command[] = []
  const exec: Exec = async (c) => (calls.push(c), answer?.(c) ?? localExec(c))
  return { calls, exec, count: (program: string) => calls.filter((c) => c.argv[0] === program).length }
}

/**
 * A queue on a real system in a fresh folder under `root`, with quick polls, and a maker of call specs there
 * (run ids include the temporary root's unique name: job names are derived from them, and a scheduler keeps
 * the jobs of an earlier test run for minutes).
 *
 * @example
 * ```ts
 * const { queue, spec } = queueIn(slurm, tmp.path, 'q1', rec.exec)
 * await queue.submit(spec('a', 'true'))
 * ```
 */
export const queueIn = (system: BatchSystem, root: string, name: string, exec: Exec, over: Partial<JobQueueOptions> = {}) => {
  const dir = join(root, name)
  const opts: JobQueueOptions = { system, exec, root: join(dir, 'jobs'), journal: join(dir, 'jobs.jsonl'), poll: { initialMs: 200, maxMs: 1000, factor: 1.5 }, submitsPerSecond: 100, ...over }
  const spec = (callId: string, command: string, more: Partial<JobSpec> = {}): JobSpec => ({ runId: `run-${basename(root)}-${name}`, callId, command, workDir: join(dir, 'calls', callId), ...more })
  return { dir, opts, spec, queue: jobQueue(opts) }
}

/** Waits until `f` answers true (polling every 200 ms), or throws after `ms`. @example await until(async () => running(id), 30_000) */
export const until = async (f: () => boolean | Promise<boolean>, ms: number, what = 'condition'): Promise<void> => {
  const end = Date.now() + ms
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
