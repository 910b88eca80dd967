/**
 * The job queue on PBS and LSF through STAND-INS: PBS and LSF are not in Debian, so test/fixtures/fake-pbs
 * (qsub, qstat, qdel) and test/fixtures/fake-lsf (bsub, bjobs, bkill) run the jobs on this machine and answer
 * in the real commands' formats (header lines, truncated names, `-f` continuation lines, unknown ids on stderr).
 * They go first on PATH only for these tests, through the exec (gridengine owns the real `qsub`).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { localExecWith, lsf, pbs, type BatchSystem } from '../../lib/dispatcher/batch/index.ts'
import { readJournal } from '../../lib/dispatcher/jobs/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { counting, queueIn, until } from './support/queue.ts'

const test = suite('dispatcher/jobs: the job queue on stand-ins of PBS and LSF')
const tmp = tempDir('jobs-fakes')
test.after(tmp.cleanup)
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))

const standIn = (system: BatchSystem, dir: 'fake-pbs' | 'fake-lsf') => {
  const env = { PATH: `${join(fixtures, dir)}:${process.env['PATH']}`, FAKE_PBS_DIR: join(tmp.path, 'pbs-server'), FAKE_LSF_DIR: join(tmp.path, 'lsf-cluster') }
  return { system, exec: localExecWith(env) }
}

for (const [system, dir, cancelCmd] of [[pbs, 'fake-pbs', 'qdel'], [lsf, 'fake-lsf', 'bkill']] as const) {
  const fake = standIn(system, dir)

  test(`${system.name}: calls with their exit codes and tails; one status query per poll`, async () => {
    const rec = counting()
    const exec = async (c: Parameters<typeof fake.exec>[0]) => (rec.calls.push(c), fake.exec(c))
    const { queue, spec, opts } = queueIn(system, tmp.path, `${system.name}-basic`, exec, { poll: { initialMs: 100, maxMs: 300, factor: 1.5 } })
    // The jobs wait for one another (a file made once a poll has seen all three), so that under any load
    // one status query finds all three in the queue: the query is for all jobs, whatever their number.
    const go = join(tmp.path, `${system.name}-basic-go`)
    const held = (cmd: string) => `while [ ! -e '${go}' ]; do sleep 0.05; done; ${cmd}`
    const statusCmd = system.status(['x']).argv[0]
    const p = Promise.all([
      queue.submit(spec('ok', held('echo "hi from $(basename "$PWD")"'))),
      queue.submit(spec('bad', held('echo nope >&2; exit 3'))),
      queue.submit(spec('pair', held('echo two'), { env: { X: 'y' } })),
    ])
    const ids = () => [...readJournal(opts.journal).jobs.values()].flatMap((j) => (j.id ? [j.id] : []))
    await until(() => ids().length === 3 && rec.calls.some((c) => c.argv[0] === statusCmd && ids().every((id) => c.argv.includes(id))), 30_000, 'a status query naming all three jobs')
    writeFileSync(go, '')
    const outs = await p
    assert.equal(outs.map((o) => [o.phase, o.exitCode]), [['Succeeded', 0], ['Failed', 3], ['Succeeded', 0]])
    assert.is(outs[0]!.stdoutTail, 'hi from ok\n')
    assert.is(outs[1]!.stderrTail, 'nope\n')
    const status = rec.calls.filter((c) => c.argv[0] === system.status(['x']).argv[0])
    assert.is(status.length, queue.stats.statusQueries)
    assert.ok(status.some((c) => outs.every((o) => c.argv.includes(o.job.id!))), 'one query named all three jobs')
  })

  test(`${system.name}: stop cancels every job with one ${cancelCmd}`, async () => {
    const rec = counting()
    const exec = async (c: Parameters<typeof fake.exec>[0]) => (rec.calls.push(c), fake.exec(c))
    const { queue, spec, opts } = queueIn(system, tmp.path, `${system.name}-stop`, exec, { poll: { initialMs: 100, maxMs: 300, factor: 1.5 } })
    const p = [queue.submit(spec('s1', 'sleep 60')), queue.submit(spec('s2', 'sleep 60'))]
    await until(() => [...readJournal(opts.journal).jobs.values()].filter((j) => j.id).length === 2, 20_000, 'two ids')
    await queue.stop()
    const outs = await Promise.all(p)
    assert.ok(outs.every((o) => o.phase === 'Error' && o.verdict === 'cancelled'), JSON.stringify(outs))
    assert.equal(rec.calls.filter((c) => c.argv[0] === cancelCmd).map((c) => c.argv.length), [3], 'one cancel naming both jobs')
  })

  test(`${system.name}: a driver killed before journaling the id; a new queue finds the job by its name`, async () => {
    const rec = counting()
    const exec = async (c: Parameters<typeof fake.exec>[0]) => (rec.calls.push(c), fake.exec(c))
    const first = queueIn(system, tmp.path, `${system.name}-reattach`, exec, { poll: { initialMs: 100, maxMs: 300, factor: 1.5 }, faults: { afterSubmit: () => { throw new Error('killed') } } })
    const cmd = `echo once >> ${first.dir}/ran; sleep 1; echo done`
    assert.is(await first.queue.submit(first.spec('r', cmd)).then(() => 'resolved', (e: Error) => e.message), 'killed')
    const second = queueIn(system, tmp.path, `${system.name}-reattach`, exec, { poll: { initialMs: 100, maxMs: 300, factor: 1.5 } })
    const o = await second.queue.submit(second.spec('r', cmd))
    assert.equal([o.phase, o.reattached, o.stdoutTail], ['Succeeded', true, 'done\n'])
    assert.is(second.queue.stats.submissions, 0)
    assert.is(readFileSync(join(first.dir, 'ran'), 'utf8'), 'once\n')
  })
}

test.run()
