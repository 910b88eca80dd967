/**
 * Faults on the real Slurm (scripts/services.sh start slurm) that the job queue lives through: slurmctld
 * restarted on its saved state while jobs are queued and running, a job preempted by a job of a higher
 * partition (the test configuration's dflow-preemptible and dflow-urgent partitions, contending for the node's
 * one `dflowslot` GRES), and a real TIMEOUT — Slurm's own, at a one-minute walltime, with no driver timeout.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { localExec, slurm } from '../../lib/dispatcher/batch/index.ts'
import { readJournal } from '../../lib/dispatcher/jobs/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { counting, queueIn, until } from './support/queue.ts'
import { serviceUp } from './support/services.ts'

const test = suite('dispatcher/jobs: faults on the real Slurm')
const tmp = tempDir('slurm-faults')
test.after(tmp.cleanup)
const services = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url))

const stateOf = async (id: string) => (await localExec({ argv: ['squeue', '-h', '-t', 'all', '-j', id, '-o', '%T'] })).stdout.trim()
const ids = (journal: string) => [...readJournal(journal).jobs.values()].flatMap((j) => (j.id ? [j.id] : []))

if (serviceUp('slurm', 'the Slurm fault tests')) {
  test('slurmctld restarted on its saved state: queued and running jobs survive, the queue keeps polling, nothing is submitted twice', async () => {
    const rec = counting()
    const { queue, spec, opts } = queueIn(slurm, tmp.path, 'ctld', rec.exec, { arrays: false })
    const later = { header: ['#SBATCH --begin=now+15'] } // queued (BeginTime) across the restart
    const outs = Promise.all([
      ...[0, 1, 2].map((i) => queue.submit(spec(`run${i}`, `sleep 8; echo ran-${i}`))),
      ...[0, 1].map((i) => queue.submit(spec(`queued${i}`, `echo queued-${i}`, { shape: later }))),
    ])
    await until(() => ids(opts.journal).length === 5, 30_000, 'five ids')
    const before = ids(opts.journal)
    await until(async () => (await Promise.all(before.map(stateOf))).filter((s) => s === 'RUNNING').length === 3, 60_000, 'three jobs to run')
    assert.equal((await Promise.all(before.map(stateOf))).filter((s) => s === 'PENDING').length, 2, 'two queued')
    const r = await execa('bash', [services, 'restart-ctld', 'slurm'], { reject: false })
    assert.is(r.exitCode, 0, r.stderr)
    const pollsAtRestart = rec.count('squeue')
    const done = await outs
    assert.equal(done.map((o) => [o.phase, o.stdoutTail]), [
      ...[0, 1, 2].map((i) => ['Succeeded', `ran-${i}\n`]),
      ...[0, 1].map((i) => ['Succeeded', `queued-${i}\n`]),
    ])
    assert.equal(done.map((o) => o.job.id).sort(), [...before].sort(), 'the same jobs, known by the same ids')
    assert.is(rec.count('sbatch'), 5, 'nothing submitted again')
    assert.ok(rec.count('squeue') > pollsAtRestart, 'the queue polled the restarted controller')
  })

  test('a job preempted by a higher partition (PREEMPTED) is a transient Error; its retry runs to the end', async () => {
    const { queue, spec, opts } = queueIn(slurm, tmp.path, 'preempt', localExec, { arrays: false })
    const low = { queue: 'dflow-preemptible', header: ['#SBATCH --gres=dflowslot:1'] }
    const victim = queue.submit(spec('victim', 'echo started; sleep 120', { shape: low }))
    await until(() => ids(opts.journal).length === 1, 30_000, 'an id')
    const [id] = ids(opts.journal)
    await until(async () => (await stateOf(id!)) === 'RUNNING', 60_000, 'the victim to run')
    // someone else's urgent job wants the slot the victim holds
    const urgent = await localExec({ argv: ['sbatch', '--parsable', '-p', 'dflow-urgent', '--gres=dflowslot:1', '-o', '/dev/null', '--wrap', 'sleep 2'] })
    assert.is(urgent.exitCode, 0, urgent.stderr)
    const o = await victim
    assert.equal([o.phase, o.verdict, o.transient, o.job.raw, o.stdoutTail], ['Error', 'preempted', true, 'PREEMPTED', 'started\n'])
    assert.match(o.message ?? '', /PREEMPTED/)
    // the engine retries a transient error as a new attempt: a new call, queued behind the urgent job
    const retry = await queue.submit(spec('victim-attempt-2', 'echo second-try', { shape: low }))
    assert.equal([retry.phase, retry.stdoutTail], ['Succeeded', 'second-try\n'])
    assert.is(await stateOf(urgent.stdout.trim().split(';')[0]!), 'COMPLETED', 'the urgent job ran first')
  })

  test("a real TIMEOUT: Slurm ends a job at its one-minute walltime; the call is Failed, timed out, and the driver cancelled nothing", async () => {
    const rec = counting()
    const { queue, spec, dir } = queueIn(slurm, tmp.path, 'walltime', rec.exec, { arrays: false })
    const started = Date.now()
    const o = await queue.submit(spec('slow', 'echo started; sleep 600', { shape: { resources: { walltimeSeconds: 60 } } }))
    const took = (Date.now() - started) / 1000
    assert.equal([o.phase, o.verdict, o.timedOut, o.transient, o.job.raw, o.stdoutTail], ['Failed', 'timeout', true, false, 'TIMEOUT', 'started\n'])
    assert.is(rec.count('scancel'), 0, 'Slurm ended it, not the driver')
    assert.ok(took >= 60, `ended after ${took} s`)
    assert.match(readFileSync(`${dir}/jobs/${o.job.name}/${o.job.name}.sh`, 'utf8'), /^#SBATCH --time=0-00:01:00$/m)
    process.stdout.write(`  [TIMEOUT at a 1-minute walltime: the call ended after ${took.toFixed(0)} s]\n`)
  })
}
test.run()
