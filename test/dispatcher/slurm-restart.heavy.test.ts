/**
 * The Slurm part of the kill -9 campaign (issue 13), on the real Slurm (scripts/services.sh start slurm): a
 * `dflow run` whose batch template's calls are Slurm jobs, its driver killed with SIGKILL — once while the
 * jobs are queued, once between `sbatch` and the journal record of the job's id (the queue's fault hook
 * DFLOW_TEST_KILL_AFTER_SUBMIT) — and continued with `dflow restart`: the restarted driver reattaches to the
 * jobs the killed one submitted (by the id journaled, or by the job's name when only the intent was), no job
 * is submitted twice (every `sbatch` goes through a logging wrapper on PATH), every call ran once (each
 * appends to a side-effect log) and the run ends as if it had never stopped.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openRun } from 'dflow-ts/local'
import { BIN } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { until } from './support/queue.ts'

const test = suite('dispatcher: kill -9 of the driver of Slurm jobs, then dflow restart')
const tmp = tempDir('slurm-restart')
test.after(tmp.cleanup)
const FIXTURE = 'test/fixtures/slurm-restart.ts'

// every sbatch is logged, then the real one runs
const bin = join(tmp.path, 'bin')
const submits = join(tmp.path, 'sbatch.log')
mkdirSync(bin)
const real = spawnSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).stdout.trim()
writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\necho "$$" >> '${submits}'\nexec '${real}' "$@"\n`)
chmodSync(join(bin, 'sbatch'), 0o755)
const sbatches = () => (existsSync(submits) ? readFileSync(submits, 'utf8').split('\n').filter(Boolean).length : 0)

const envOf = (extra: Record<string, string>) => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1', ...extra })
const jobsJournal = (dir: string) => (existsSync(join(dir, 'jobs.jsonl')) ? readFileSync(join(dir, 'jobs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string; job: string; id?: string }) : [])
const runDirIn = (runs: string) => {
  const found = existsSync(runs) ? readdirSync(runs).filter((f) => !f.startsWith('.')) : []
  return found.length === 1 ? join(runs, found[0]!) : undefined
}
const ran = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).sort() : [])

/** `dflow run` of the fixture in a child; resolves when `ready(dir)` holds (then the child is killed with SIGKILL) or the child ends by itself. */
const runUntil = async (name: string, env: Record<string, string>, ready?: (dir: string) => boolean) => {
  const runs = join(tmp.path, name, 'runs')
  const log = join(tmp.path, name, 'log')
  mkdirSync(join(tmp.path, name), { recursive: true })
  const child = spawn(process.execPath, [BIN, 'run', FIXTURE, '-p', `log=${log}`, '--runs-dir', runs, '-q'], { env: envOf(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (code, sig) => r(sig ?? code)))
  if (ready) {
    await until(() => child.exitCode !== null || child.signalCode !== null || (runDirIn(runs) !== undefined && ready(runDirIn(runs)!)), 120_000, `${name}: the moment to kill`)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const how = await exited
  return { dir: runDirIn(runs)!, log, how, out }
}

const restartRun = (dir: string, env: Record<string, string>) => spawnSync(process.execPath, [BIN, 'restart', dir, '-q'], { env: envOf(env), encoding: 'utf8', timeout: 300_000 })

const squeueState = (id: string) => spawnSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T'], { encoding: 'utf8' }).stdout.trim()

if (serviceUp('slurm', 'the Slurm kill -9 campaign')) {
  test('the driver killed while its jobs are queued: restart waits for the same jobs, submits none again, every call ran once', async () => {
    const before = sbatches()
    const env = { DFLOW_SLURM_BEGIN: '20' }
    const submitted = (dir: string) => jobsJournal(dir).filter((r) => r.t === 'submitted').length > 0 && jobsJournal(dir).filter((r) => r.t === 'intent').every((i) => jobsJournal(dir).some((r) => r.t === 'submitted' && r.job === i.job))
    const first = await runUntil('queued', env, submitted)
    assert.is(first.how, 'SIGKILL', first.out)
    const ids = jobsJournal(first.dir).flatMap((r) => (r.t === 'submitted' && r.id ? [r.id] : []))
    assert.ok(ids.length >= 1, 'jobs were submitted before the kill')
    assert.ok(ids.every((id) => squeueState(id) === 'PENDING'), `queued when the driver died: ${ids.map(squeueState).join(' ')}`)
    assert.equal(ran(first.log), [], 'nothing ran yet')
    const submittedBeforeRestart = sbatches() - before
    const r = restartRun(first.dir, env)
    assert.is(r.status, 0, r.stdout + r.stderr)
    assert.is(sbatches() - before, submittedBeforeRestart, 'the restart submitted nothing again')
    assert.equal(ran(first.log), ['1', '2', '3'], 'each call ran once')
    const run = await openRun(first.dir)
    assert.is(run.status, 'Succeeded')
    assert.is(run.step('sum').outputs.total, 12)
    process.stdout.write(`  [killed with ${ids.length} job(s) queued (${ids.join(', ')}); ${submittedBeforeRestart} sbatch in all]\n`)
  })

  test('the driver killed between sbatch and its journal record: restart finds the job by name and submits it not again', async () => {
    const before = sbatches()
    const env = { DFLOW_SLURM_BEGIN: '5', DFLOW_TEST_KILL_AFTER_SUBMIT: '1' }
    const first = await runUntil('after-sbatch', env)
    assert.is(first.how, 'SIGKILL', `killed by its fault hook: ${first.out}`)
    const journal = jobsJournal(first.dir)
    assert.ok(journal.some((r) => r.t === 'intent'), 'the intent was journaled')
    assert.not.ok(journal.some((r) => r.t === 'submitted'), 'the id was not')
    assert.is(sbatches() - before, 1, 'one sbatch before the kill')
    const { DFLOW_TEST_KILL_AFTER_SUBMIT: _, ...calm } = env
    const r = restartRun(first.dir, calm)
    assert.is(r.status, 0, r.stdout + r.stderr)
    assert.is(sbatches() - before, 1, 'the restart adopted the job sbatch had made: no second sbatch')
    assert.equal(ran(first.log), ['1', '2', '3'], 'each call ran once')
    const run = await openRun(first.dir)
    assert.is(run.status, 'Succeeded')
    assert.is(run.step('sum').outputs.total, 12)
  })
}
test.run()
