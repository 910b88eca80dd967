import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  cancelJobs, jobFiles, localExec, queryJobs, readExitCode, settle, submitJob,
  type BatchJob, type BatchSystem, type Command, type Exec, type JobState,
} from '../../../lib/dispatcher/batch/index.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls (one batched query per round) until `done` holds for the settled states, or fails after `ms`. */
const pollUntil = async (
  system: BatchSystem, exec: Exec, jobs: readonly (BatchJob & { id: string })[], done: (s: Map<string, JobState>) => boolean, ms: number,
): Promise<Map<string, JobState>> => {
  const until = Date.now() + ms
  for (;;) {
    const raw = await queryJobs(system, exec, jobs.map((j) => j.id))
    const settled = new Map(await Promise.all(jobs.map(async (j) => [j.name, settle(raw.get(j.id), await readExitCode(exec, j))] as const)))
    if (done(settled)) return settled
    if (Date.now() > until) assert.unreachable(`jobs did not settle in ${ms} ms: ${JSON.stringify([...settled])}`)
    await sleep(300)
  }
}

/**
 * The real lifecycle on a batch system: three jobs submitted, polled with ONE status query per round for all of
 * them, the exit codes read from the jobs' own files, a long job cancelled.
 *
 * @example
 * ```ts
 * lifecycle(test, slurm, tmp.path, 'cancelled')
 * ```
 */
export const lifecycle = (test: Test, system: BatchSystem, root: string, afterCancel: (s: JobState) => boolean): void => {
  const statusCalls: Command[] = []
  const exec: Exec = async (c) => {
    if (c.argv.slice(0, 3).join(' ') === system.status(['x']).argv.slice(0, 3).join(' ')) statusCalls.push(c)
    return localExec(c)
  }
  const job = (name: string, command: string): BatchJob => ({ name, command, workDir: join(root, system.name, name), env: { GREETING: "hello 'batch'" } })
  const ok = job('ok', 'echo "$GREETING from $(basename "$PWD")" > result.txt')
  const bad = job('bad', 'echo to-stderr >&2; exit 3')
  const long = job('long', 'sleep 300')
  const ids = new Map<string, string>()

  test(`${system.name}: submit three jobs, each gets an id`, async () => {
    for (const j of [ok, bad, long]) {
      const s = await submitJob(system, exec, j)
      assert.ok('id' in s, `${j.name}: ${JSON.stringify(s)}`)
      if ('id' in s) ids.set(j.name, s.id)
    }
    assert.is(new Set(ids.values()).size, 3)
  })

  test(`${system.name}: one batched status query per poll; exit codes 0 and 3 from the jobs' files; the long one runs`, async () => {
    const jobs = [ok, bad, long].map((j) => ({ ...j, id: ids.get(j.name)! }))
    statusCalls.length = 0
    let polls = 0
    const s = await pollUntil(system, exec, jobs, (m) => (polls++, m.get('ok')?.verdict === 'succeeded' && m.get('bad')?.verdict === 'failed' && m.get('long')?.verdict === 'running'), 90_000)
    assert.is(statusCalls.length, polls, 'one status query per poll, for all jobs together')
    assert.equal([s.get('ok')?.exitCode, s.get('bad')?.exitCode], [0, 3])
    assert.is(readFileSync(join(ok.workDir, 'result.txt'), 'utf8'), "hello 'batch' from ok\n")
    // The job's stderr ends with what its script wrote; a site's shell start-up files may write before it
    // (root's pyenv init here printed a lock warning under SGE, whose bash jobs read ~/.bashrc).
    const stderr = readFileSync(jobFiles(bad).stderr, 'utf8')
    assert.ok(stderr === 'to-stderr\n' || stderr.endsWith('\nto-stderr\n'), JSON.stringify(stderr))
  })

  test(`${system.name}: cancel stops the long job; it writes no exit code`, async () => {
    const jobs = [{ ...long, id: ids.get('long')! }]
    await cancelJobs(system, exec, jobs.map((j) => j.id))
    const s = await pollUntil(system, exec, jobs, (m) => afterCancel(m.get('long')!), 60_000)
    assert.ok(afterCancel(s.get('long')!))
    assert.is(await readExitCode(exec, long), undefined)
  })
}
