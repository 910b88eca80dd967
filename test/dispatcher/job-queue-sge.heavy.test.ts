/**
 * The job queue on the real SGE (scripts/services.sh start sge): an array (`qsub -t`), calls packed in jobs,
 * reattach by name after a driver died between qsub and the journal, stop with one qdel.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readJournal } from '../../lib/dispatcher/jobs/index.ts'
import { sge } from '../../lib/dispatcher/batch/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { counting, queueIn, until } from './support/queue.ts'
import { serviceUp } from './support/services.ts'

process.env['SGE_ROOT'] ??= '/var/lib/gridengine'
process.env['SGE_CELL'] ??= 'default'
const test = suite('dispatcher/jobs: the job queue on the real SGE')
const tmp = tempDir('jobs-sge')
test.after(tmp.cleanup)

if (serviceUp('sge', 'the job queue on the real SGE')) {
  test('an array job: 12 calls in one qsub -t 1-12, per-element ids and exit codes', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(sge, tmp.path, 'array', rec.exec)
    const outs = await Promise.all(Array.from({ length: 12 }, (_, i) => queue.submit(spec(`a${i}`, i === 2 ? 'exit 2' : 'echo el-$DFLOW_ARRAY_INDEX'))))
    assert.is(rec.count('qsub'), 1)
    const base = outs[0]!.job.id!.split('.')[0]
    assert.equal(outs.map((o) => o.job.id), outs.map((_, i) => `${base}.${i + 1}`))
    assert.equal(outs.map((o) => o.exitCode), outs.map((_, i) => (i === 2 ? 2 : 0)))
    assert.is(outs[5]!.stdoutTail, 'el-5\n')
  })

  test('20 calls in 4 jobs (callsPerJob 5), 2 at a time inside', async () => {
    const rec = counting()
    const { queue, spec } = queueIn(sge, tmp.path, 'packed', rec.exec, { arrays: false, callsPerJob: 5, parallelInJob: 2 })
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.submit(spec(`p${i}`, `exit ${i % 2}`))))
    assert.is(rec.count('qsub'), 4)
    assert.equal(outs.map((o) => o.exitCode), outs.map((_, i) => i % 2))
  })

  test('a driver killed between qsub and the journal: a new queue finds the job by name (qstat), no second qsub', async () => {
    const rec = counting()
    const first = queueIn(sge, tmp.path, 'reattach', rec.exec, { faults: { afterSubmit: () => { throw new Error('driver killed') } } })
    const cmd = 'sleep 2; echo finished'
    assert.is(await first.queue.submit(first.spec('once', cmd)).then(() => 'resolved', (e: Error) => e.message), 'driver killed')
    const second = queueIn(sge, tmp.path, 'reattach', rec.exec)
    const o = await second.queue.submit(second.spec('once', cmd))
    assert.equal([o.phase, o.reattached, o.stdoutTail], ['Succeeded', true, 'finished\n'])
    assert.is(rec.count('qsub'), 1)
  })

  test('stop: one qdel for all jobs; their calls are cancelled', async () => {
    const rec = counting()
    const { queue, spec, opts } = queueIn(sge, tmp.path, 'stop', rec.exec, { arrays: false })
    const p = [1, 2, 3].map((i) => queue.submit(spec(`s${i}`, 'sleep 120')))
    await until(() => [...readJournal(opts.journal).jobs.values()].filter((j) => j.id).length === 3, 30_000, 'three ids')
    await queue.stop()
    const outs = await Promise.all(p)
    assert.ok(outs.every((o) => o.verdict === 'cancelled'))
    assert.equal(rec.calls.filter((c) => c.argv[0] === 'qdel').map((c) => c.argv.length), [4])
  })
}
test.run()
