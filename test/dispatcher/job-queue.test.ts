/**
 * The job queue (lib/dispatcher/jobs) on the Shell batch system for real: detached processes, one /proc status
 * query per poll for all jobs, calls packed into jobs, per-call exit codes and output tails, driver timeouts,
 * stop, abort, transient submit failures, the journal.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localExecWith, shell, type Command } from '../../lib/dispatcher/batch/index.ts'
import { collectCommand, jobQueue, parseCollect, readJournal, type JobQueueOptions, type JobSpec } from '../../lib/dispatcher/jobs/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { counting, until } from './support/queue.ts'

const test = suite('dispatcher/jobs: the job queue on real shell jobs')
const tmp = tempDir('job-queue')
test.after(tmp.cleanup)
let n = 0

const isStatus = (c: Command) => c.argv[0] === 'bash' && c.argv[4] === 'status'
const isSubmit = (c: Command) => c.argv[0] === 'bash' && String(c.argv[3]).startsWith('setsid')

const setup = (over: Partial<JobQueueOptions> = {}) => {
  const dir = join(tmp.path, `q${n++}`)
  const rec = counting()
  const opts: JobQueueOptions = { system: shell, exec: rec.exec, root: join(dir, 'jobs'), journal: join(dir, 'jobs.jsonl'), poll: { initialMs: 50, maxMs: 200, factor: 1.5 }, ...over }
  const spec = (callId: string, command: string, more: Partial<JobSpec> = {}): JobSpec => ({ runId: 'run-1', callId, command, workDir: join(dir, 'calls', callId), ...more })
  return { dir, rec, opts, spec, queue: jobQueue({ ...opts, ...(over.exec ? {} : { exec: rec.exec }) }) }
}

test('30 calls as 30 jobs: every outcome with its exit code and tails; each status query asks for all jobs at once', async () => {
  const { queue, rec, spec, dir } = setup({ submitsPerSecond: 1000 })
  // the calls wait for a go file, made once all are submitted and polled: all 30 are in the queue together
  const go = join(dir, 'go')
  const wait = `while [ ! -e ${go} ]; do sleep 0.05; done; `
  const all = Promise.all(
    Array.from({ length: 30 }, (_, i) => queue.submit(spec(`c${i}`, wait + (i === 7 ? 'echo out-7; echo err-7 >&2; exit 3' : `echo "hello $WHO $(basename "$PWD")"`), { env: { WHO: `it's ${i}` } }))),
  )
  await until(() => rec.calls.filter(isSubmit).length === 30, 60_000, '30 submissions')
  const polled = rec.calls.filter(isStatus).length
  await until(() => rec.calls.filter(isStatus).length > polled, 60_000, 'a poll after them')
  writeFileSync(go, '')
  const outs = await all
  assert.equal(outs.map((o) => o.phase), outs.map((_, i) => (i === 7 ? 'Failed' : 'Succeeded')))
  assert.is(outs[7]!.exitCode, 3)
  assert.is(outs[7]!.stdoutTail, 'out-7\n')
  assert.is(outs[7]!.stderrTail, 'err-7\n')
  assert.is(outs[3]!.stdoutTail, "hello it's 3 c3\n")
  const status = rec.calls.filter(isStatus)
  assert.is(status.length, queue.stats.statusQueries, 'one status command per poll')
  assert.ok(status.some((c) => c.argv.length - 5 === 30), 'a poll asked for all 30 jobs in one command')
  assert.is(rec.calls.filter(isSubmit).length, 30)
})

test('50 calls, 10 per job, 4 at a time inside: 5 jobs; a failing call fails alone, its job-mates succeed', async () => {
  const { queue, rec, spec } = setup({ callsPerJob: 10, parallelInJob: 4 })
  const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.submit(spec(`g${i}`, i % 13 === 5 ? `exit ${i % 7 + 1}` : `echo ${i}`))))
  assert.is(rec.calls.filter(isSubmit).length, 5, 'five jobs')
  assert.is(new Set(outs.map((o) => o.job.id)).size, 5)
  for (const [i, o] of outs.entries()) {
    if (i % 13 === 5) assert.equal([o.phase, o.exitCode], ['Failed', i % 7 + 1], `call ${i}`)
    else assert.equal([o.phase, o.exitCode, o.stdoutTail], ['Succeeded', 0, `${i}\n`], `call ${i}`)
  }
})

test('parallelInJob runs that many calls of a job at once, never more', async () => {
  const { queue, spec, dir } = setup({ callsPerJob: 6, parallelInJob: 3 })
  const log = join(dir, 'concurrency.log')
  // each call notes how many are running (a counter file under a lock), then sleeps
  const cmd = `exec 9>>${log}.lock; flock 9; c=$(( $(cat ${log}.n 2>/dev/null || echo 0) + 1 )); echo $c > ${log}.n; echo $c >> ${log}; flock -u 9; sleep 0.4; flock 9; echo $(( $(cat ${log}.n) - 1 )) > ${log}.n`
  const outs = await Promise.all(Array.from({ length: 6 }, (_, i) => queue.submit(spec(`p${i}`, cmd))))
  assert.ok(outs.every((o) => o.phase === 'Succeeded'), JSON.stringify(outs.map((o) => o.stderrTail)))
  const seen = readFileSync(log, 'utf8').trim().split('\n').map(Number)
  assert.is(Math.max(...seen), 3)
})

test('a timeout shorter than any scheduler granularity: the driver cancels the job; the call is Failed, timed out', async () => {
  const { queue, spec, dir } = setup()
  const [slow, quick] = await Promise.all([
    queue.submit(spec('slow', `sleep 30; touch ${join(dir, 'not-killed')}`, { timeoutSeconds: 1 })),
    queue.submit(spec('quick', 'true', { timeoutSeconds: 20 })),
  ])
  assert.equal([slow.phase, slow.verdict, slow.timedOut], ['Failed', 'timeout', true])
  assert.equal([quick.phase, quick.timedOut], ['Succeeded', false])
  assert.is(queue.stats.cancels, 1)
  assert.not.ok(existsSync(join(dir, 'not-killed')))
})

test('stop cancels every job with one command; their calls are cancelled; an aborted call alone cancels its job', async () => {
  const { queue, rec, spec } = setup()
  const ac = new AbortController()
  // every job has its id before the abort and the stop (a job given up while its submission is under way is cancelled on its own once its id comes)
  const withId = new Set<string>()
  const on = (e: { name: string; id?: string }) => void (e.id && withId.add(e.name))
  const aborted = queue.submit(spec('a0', 'sleep 60'), ac.signal, on)
  const rest = [1, 2, 3].map((i) => queue.submit(spec(`a${i}`, 'sleep 60'), undefined, on))
  await until(() => withId.size === 4, 60_000, 'four jobs with their ids')
  ac.abort()
  const a = await aborted
  assert.equal([a.phase, a.verdict], ['Error', 'unknown'])
  assert.match(a.message ?? '', /gave the call up/)
  await queue.stop()
  const outs = await Promise.all(rest)
  assert.ok(outs.every((o) => o.phase === 'Error' && o.verdict === 'cancelled'), JSON.stringify(outs))
  const kills = rec.calls.filter((c) => c.argv[0] === 'kill')
  assert.equal(kills.map((c) => c.argv.length - 3), [1, 3], 'one kill for the aborted job, then one for the three others')
})

test('a submission refused as transient ("Socket timed out") is tried again; a permanent refusal fails its calls only', async () => {
  let failed = 0
  const { queue, spec } = setup({
    submitRetryMs: 50,
    exec: counting((c) => {
      if (isSubmit(c) && failed === 0) return (failed++, Promise.resolve({ exitCode: 1, stdout: '', stderr: 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation' }))
      if (isSubmit(c) && String(c.cwd).includes('never')) return Promise.resolve({ exitCode: 1, stdout: '', stderr: 'Invalid partition name specified' })
      return undefined
    }).exec,
  })
  const ok = await queue.submit(spec('retried', 'echo fine'))
  assert.equal([ok.phase, ok.stdoutTail, failed], ['Succeeded', 'fine\n', 1])
  assert.is(queue.stats.submissions, 2)
})

test('the journal has each submission as an intent, then its id; a partial last line is skipped', async () => {
  const { queue, spec, opts } = setup()
  const o = await queue.submit(spec('j1', 'true'))
  appendFileSync(opts.journal, '{"t":"intent","job":"dfcut')
  const { jobs, byCall } = readJournal(opts.journal)
  assert.equal([...jobs.values()].map((j) => [j.elements, j.id]), [[[['j1']], o.job.id]])
  assert.is(byCall.get('run-1\0j1')?.job, o.job.name)
})

test('a queue opened on the journal of a running job waits for it instead of submitting again', async () => {
  const first = setup()
  const marker = join(first.dir, 'runs')
  const p = first.queue.submit(first.spec('long', `echo x >> ${marker}; sleep 1; echo done`))
  while (!readJournal(first.opts.journal).jobs.size || ![...readJournal(first.opts.journal).jobs.values()][0]!.id) await new Promise((r) => setTimeout(r, 20))
  // a second driver on the same journal (the first one keeps running: both wait for the same job)
  const rec = counting()
  const second = jobQueue({ ...first.opts, exec: rec.exec })
  const o = await second.submit(first.spec('long', `echo x >> ${marker}; sleep 1; echo done`))
  assert.equal([o.phase, o.reattached, o.stdoutTail], ['Succeeded', true, 'done\n'])
  assert.is(rec.calls.filter(isSubmit).length, 0, 'not submitted again')
  assert.is(readFileSync(marker, 'utf8'), 'x\n')
  await p
})

test('maxInQueue bounds the jobs in the queue at once (every status query names at most that many); submits are spaced by the rate', async () => {
  const at: number[] = []
  const rec = counting((c) => (isSubmit(c) && at.push(Date.now()), undefined))
  const { queue, spec } = setup({ exec: rec.exec, maxInQueue: 3, submitsPerSecond: 20 })
  const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => queue.submit(spec(`m${i}`, 'sleep 0.3'))))
  assert.ok(outs.every((o) => o.phase === 'Succeeded'))
  const sizes = rec.calls.filter(isStatus).map((c) => c.argv.length - 5)
  assert.ok(Math.max(...sizes) <= 3, `status queries named ${sizes.join(', ')} jobs`)
  assert.is(at.length, 8)
  // 20 per second: 8 submissions span at least 7 × 50 ms. Measured where exec is called, a gap can look a
  // little shorter than the limiter's (the earlier call reached exec later), but the span cannot, save for
  // the first call's own few ms; a busy machine only makes it longer.
  assert.ok(at[7]! - at[0]! >= 7 * 50 - 10, `submissions spanned ${at[7]! - at[0]!} ms: ${JSON.stringify(at.slice(1).map((t, i) => t - at[i]!))}`)
})

test('a status query the scheduler did not answer (controller down) is asked again, never read as "the jobs are gone"', async () => {
  let down = true
  const rec = counting((c) => (isStatus(c) && down ? Promise.resolve({ exitCode: 1, stdout: '', stderr: 'squeue: error: Unable to contact slurm controller (connect failure)' }) : undefined))
  const { queue, spec } = setup({ exec: rec.exec, lostAfterMs: 100 })
  const p = queue.submit(spec('patient', 'sleep 0.5; echo up'))
  await new Promise((r) => setTimeout(r, 1200))
  down = false
  const o = await p
  assert.equal([o.phase, o.stdoutTail], ['Succeeded', 'up\n'])
})

test("commands the queue runs through bash do not read ~/.bashrc (bash takes node's socket pipes for rsh's)", async () => {
  const home = join(tmp.path, 'home')
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, '.bashrc'), 'echo rc-was-read; exit 9\n')
  const exec = localExecWith({ HOME: home, SHLVL: '' })
  const files = join(home, 'dflow-x')
  writeFileSync(`${files}.exit`, '0\n')
  const got = parseCollect(await exec(collectCommand([files], [], 100)))
  assert.equal(got.get(files)?.exitCode, 0)
  const status = await exec(shell.status([String(process.pid)]))
  assert.equal([status.exitCode, status.stdout.includes('rc-was-read')], [0, false])
})

test.run()
