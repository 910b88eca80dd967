/**
 * The job queue on the real Slurm (scripts/services.sh start slurm): politeness counted (squeue calls through
 * the exec, slurmctld's own RPC counters from sdiag), arrays, calls packed in jobs, a cancel from outside,
 * NODE_FAIL, a driver killed between submit and journal then reattached by name, a transient sbatch failure.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { localExec, slurm } from '../../lib/dispatcher/batch/index.ts'
import { readJournal } from '../../lib/dispatcher/jobs/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { counting, queueIn, until } from './support/queue.ts'
import { serviceUp } from './support/services.ts'

const test = suite('dispatcher/jobs: the job queue on the real Slurm')
const tmp = tempDir('jobs-slurm')
test.after(tmp.cleanup)

/** slurmctld's count of job-information RPCs (squeue, scontrol show job) since it started. */
const jobInfoRpcs = async (): Promise<number> => {
  const r = await localExec({ argv: ['sdiag'] })
  return [...r.stdout.matchAll(/^\s*REQUEST_JOB_INFO(?:_SINGLE)?\s+\(\s*\d+\)\s+count:(\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0)
}
const stateOf = async (id: string) => (await localExec({ argv: ['squeue', '-h', '-t', 'all', '-j', id, '-o', '%T'] })).stdout.trim()

if (serviceUp('slurm', 'the job queue on the real Slurm')) {
  test('200 `true` jobs: all succeed; one squeue per poll for all of them, and slurmctld counts as few job queries', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(slurm, tmp.path, 'many', rec.exec, { arrays: false, poll: { initialMs: 500, maxMs: 2000, factor: 1.5 } })
    const before = await jobInfoRpcs()
    const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => queue.submit(spec(`t${i}`, 'true'))))
    const rpcs = (await jobInfoRpcs()) - before
    assert.ok(outs.every((o) => o.phase === 'Succeeded' && o.exitCode === 0), JSON.stringify(outs.find((o) => o.phase !== 'Succeeded')))
    assert.is(rec.count('sbatch'), 200)
    assert.is(rec.count('squeue'), queue.stats.statusQueries, 'one squeue per poll')
    const widest = Math.max(...rec.calls.filter((c) => c.argv[0] === 'squeue').map((c) => String(c.argv[c.argv.indexOf('-j') + 1]).split(',').length))
    assert.ok(widest >= 5, `the widest squeue named ${widest} jobs`)
    assert.ok(queue.stats.statusQueries < 100, `${queue.stats.statusQueries} polls for 200 jobs`)
    // sdiag: the controller's own count of job queries, fewer than one per job — with room for other clients of
    // the same slurmctld (other test sessions), whose queries count there too
    process.stdout.write(`  [200 jobs: ${queue.stats.statusQueries} squeue polls (widest ${widest} ids), ${rec.count('scontrol')} scontrol fallbacks, sdiag job-info RPCs +${rpcs}]\n`)
    assert.ok(rpcs >= queue.stats.statusQueries, `sdiag saw our queries (${rpcs})`)
    assert.ok(rpcs < 200, `slurmctld answered ${rpcs} job-info RPCs for 200 jobs`)
  })

  test('an array job: 20 calls in one sbatch --array=0-19, each with its own outcome and element id', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(slurm, tmp.path, 'array', rec.exec)
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.submit(spec(`a${i}`, i === 4 ? 'echo four >&2; exit 4' : `echo element-$DFLOW_ARRAY_INDEX`))))
    assert.is(rec.count('sbatch'), 1)
    const base = outs[0]!.job.id!.split('_')[0]
    assert.equal(outs.map((o) => o.job.id), outs.map((_, i) => `${base}_${i}`))
    assert.equal(outs.map((o) => o.exitCode), outs.map((_, i) => (i === 4 ? 4 : 0)))
    assert.is(outs[7]!.stdoutTail, 'element-7\n')
    assert.is(outs[4]!.stderrTail, 'four\n')
  })

  test('50 calls in 5 jobs (callsPerJob 10), 4 at a time inside each; per-call exit codes', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(slurm, tmp.path, 'packed', rec.exec, { arrays: false, callsPerJob: 10, parallelInJob: 4 })
    const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.submit(spec(`p${i}`, `exit ${i % 3}`))))
    assert.is(rec.count('sbatch'), 5)
    assert.is(new Set(outs.map((o) => o.job.id)).size, 5)
    assert.equal(outs.map((o) => o.exitCode), outs.map((_, i) => i % 3))
    assert.equal(outs.map((o) => o.phase), outs.map((_, i) => (i % 3 === 0 ? 'Succeeded' : 'Failed')))
  })

  test('a job scancel-ed from outside is recorded as cancelled (Error, not transient); its neighbour is unharmed', async () => {
    const { queue, spec, opts } = queueIn(slurm, tmp.path, 'scancel', localExec, { arrays: false })
    const victim = queue.submit(spec('victim', 'sleep 120'))
    const other = queue.submit(spec('other', 'sleep 2; echo still-here'))
    await until(() => [...readJournal(opts.journal).jobs.values()].filter((j) => j.id).length === 2, 30_000, 'two ids')
    const id = [...readJournal(opts.journal).jobs.values()].find((j) => j.elements[0]![0] === 'victim')!.id!
    await until(async () => (await stateOf(id)) === 'RUNNING', 60_000, 'the victim to run')
    await localExec({ argv: ['scancel', id] })
    const [v, o] = await Promise.all([victim, other])
    assert.equal([v.phase, v.verdict, v.transient, v.job.raw], ['Error', 'cancelled', false, 'CANCELLED'])
    assert.equal([o.phase, o.stdoutTail], ['Succeeded', 'still-here\n'])
  })

  test('NODE_FAIL (scontrol update State=DOWN) is a transient Error; the node is resumed', async () => {
    const node = (await localExec({ argv: ['sinfo', '-h', '-o', '%n'] })).stdout.trim().split('\n')[0]!
    const { queue, spec, opts } = queueIn(slurm, tmp.path, 'nodefail', localExec, { arrays: false })
    const p = queue.submit(spec('doomed', 'sleep 120'))
    await until(() => !![...readJournal(opts.journal).jobs.values()][0]?.id, 30_000, 'an id')
    const id = [...readJournal(opts.journal).jobs.values()][0]!.id!
    await until(async () => (await stateOf(id)) === 'RUNNING', 60_000, 'the job to run')
    try {
      await localExec({ argv: ['scontrol', 'update', `NodeName=${node}`, 'State=DOWN', 'Reason=dflow-test-node-fail'] })
      const o = await p
      assert.equal([o.phase, o.verdict, o.transient, o.job.raw], ['Error', 'node-fail', true, 'NODE_FAIL'])
    } finally {
      await until(async () => {
        await localExec({ argv: ['scontrol', 'update', `NodeName=${node}`, 'State=RESUME'] })
        return /^(idle|mixed|allocated|completing)/.test((await localExec({ argv: ['sinfo', '-h', '-n', node, '-o', '%T'] })).stdout.trim())
      }, 60_000, 'the node to come back')
    }
  })

  test('a one-second timeout (Slurm walltimes are whole minutes): the driver scancels; the call is Failed, timed out', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(slurm, tmp.path, 'timeout', rec.exec)
    const o = await queue.submit(spec('slow', 'sleep 120', { timeoutSeconds: 1 }))
    assert.equal([o.phase, o.verdict, o.timedOut], ['Failed', 'timeout', true])
    assert.is(rec.count('scancel'), 1)
    assert.match(readFileSync(`${tmp.path}/timeout/jobs/${o.job.name}/${o.job.name}.sh`, 'utf8'), /^#SBATCH --time=0-00:01:01$/m)
  })

  test('a driver killed between sbatch and the journal: a new queue finds the job by name and does not submit again', async () => {
    const rec = counting()
    const first = queueIn(slurm, tmp.path, 'reattach', rec.exec, { faults: { afterSubmit: () => { throw new Error('driver killed') } } })
    const cmd = `echo ran >> ${first.dir}/runs; sleep 2; echo finished`
    const lost = await first.queue.submit(first.spec('once', cmd)).then(() => 'resolved', (e: Error) => e.message)
    assert.is(lost, 'driver killed')
    const j = [...readJournal(first.opts.journal).jobs.values()]
    assert.equal(j.map((x) => [x.elements, x.id]), [[[['once']], undefined]], 'the intent, and no id')
    const second = queueIn(slurm, tmp.path, 'reattach', rec.exec)
    const o = await second.queue.submit(second.spec('once', cmd))
    assert.equal([o.phase, o.reattached, o.stdoutTail], ['Succeeded', true, 'finished\n'])
    assert.is(rec.count('sbatch'), 1, 'one sbatch across both drivers')
    assert.is(second.queue.stats.nameLookups, 1)
    assert.is(readFileSync(`${first.dir}/runs`, 'utf8'), 'ran\n')
    assert.ok(readJournal(second.opts.journal).jobs.get(o.job.name)?.id, 'the id found by name is journaled')
  })

  test('sbatch failing transiently ("Socket timed out") is retried after a lookup by name; the job runs once', async () => {
    let failures = 0
    const rec = counting((c) =>
      c.argv[0] === 'sbatch' && failures++ === 0
        ? Promise.resolve({ exitCode: 1, stdout: '', stderr: 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n' })
        : undefined,
    )
    const { queue, spec } = queueIn(slurm, tmp.path, 'flaky', rec.exec, { submitRetryMs: 200 })
    const o = await queue.submit(spec('flaky', 'echo ok'))
    assert.equal([o.phase, o.stdoutTail], ['Succeeded', 'ok\n'])
    assert.is(rec.count('sbatch'), 2)
    assert.is(queue.stats.nameLookups, 1, 'looked for it by name before trying again')
  })
}
test.run()
