import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openRun } from 'dflow-ts/local'
import { processesWith, until } from '../helpers/processes.ts'
import { BIN, dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * A driver killed outright (SIGKILL) writes no final state: `workflow.json` says Running. It records its
 * pid, its start time and its host, so that a reader tells a run whose driver is gone — it reads as
 * Failed, `interrupted: true`, saying when and with which steps running — from one still running, and
 * says it cannot tell for a run recorded on another host.
 */
const test = suite('local: a run whose driver was killed reads as interrupted')
const tmp = tempDir('interrupted')
test.after(tmp.cleanup)
const runs = join(tmp.path, 'runs')
let dir = ''

const journalShows = (ids: readonly string[]) => {
  const runDirs = existsSync(runs) ? readdirSync(runs) : []
  if (runDirs.length !== 1) return false
  dir = join(runs, runDirs[0]!)
  const journal = join(dir, 'steps.jsonl')
  if (!existsSync(journal)) return false
  const records = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; phase: string })
  return ids.every((id) => records.some((r) => r.id === id && r.phase === 'Running'))
}

test('dflow run killed with SIGKILL mid-run: status, steps and openRun say it was interrupted', async () => {
  const marker = `43.${process.pid}1`
  const child = spawn(process.execPath, [BIN, 'run', 'test/fixtures/sleepy.ts', '--runs-dir', runs], { env: { ...process.env, DFLOW_TEST_MARKER: marker, NO_COLOR: '1' }, stdio: 'ignore' })
  assert.ok(await until(() => journalShows(['a', 'b']), 20_000), 'both steps started')
  const recorded = JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8'))
  assert.is(recorded.pid, child.pid)
  assert.is(recorded.host, hostname())
  assert.match(recorded.pidStartTime, /^\d+$/)
  // While the driver runs, the run is running.
  const live = dflow('status', dir)
  assert.is(live.code, 3, live.out + live.err)
  assert.is((await openRun(dir)).status, 'Running')

  child.kill('SIGKILL')
  await new Promise((r) => child.on('exit', r))
  assert.ok(await until(() => processesWith(marker).length === 0), 'its steps died with it')
  assert.is(JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')).status, 'Running', 'nothing wrote a final state')

  const st = dflow('status', dir)
  assert.is(st.code, 1, st.out + st.err)
  assert.match(st.out, /sleepy Failed/)
  assert.match(st.out, new RegExp(`interrupted: its driver \\(pid ${child.pid} on ${hostname()}\\) is gone`))
  assert.match(st.out, /steps (a, b|b, a) were running/) // in the order they started
  const json = JSON.parse(dflow('status', dir, '--json').out)
  assert.is(json.status, 'Failed')
  assert.is(json.interrupted, true)

  const steps = dflow('steps', dir)
  assert.is(steps.code, 0)
  assert.match(steps.out, /a +Failed .*interrupted/)
  assert.match(steps.out, /b +Failed .*interrupted/)

  const run = await openRun(dir)
  assert.is(run.status, 'Failed')
  assert.is(run.interrupted, true)
  assert.match(run.message ?? '', /last journal record at \d{4}-\d\d-\d\dT/)
  // in the order they started, which the two parallel steps may take either way
  assert.equal(run.steps({ phase: 'Failed' }).map((s) => [s.id, s.record.interrupted]).sort(), [['a', true], ['b', true]])
})

const variant = (name: string, change: (wf: Record<string, unknown>) => Record<string, unknown>): string => {
  const copy = join(tmp.path, name)
  cpSync(dir, copy, { recursive: true })
  const wfPath = join(copy, 'workflow.json')
  writeFileSync(wfPath, JSON.stringify(change(JSON.parse(readFileSync(wfPath, 'utf8')))))
  return copy
}

test('a pid reused by another process is not taken for the driver', async () => {
  // This test's own process has a pid that is alive, but it started at another time than recorded.
  const copy = variant('reused', (wf) => ({ ...wf, pid: process.pid, pidStartTime: '1' }))
  const run = await openRun(copy)
  assert.is(run.status, 'Failed')
  assert.is(run.interrupted, true)
})

test('a run recorded on another host: it cannot be told, so it stays Running and says so', async () => {
  const copy = variant('elsewhere', (wf) => ({ ...wf, host: 'some-other-host' }))
  const run = await openRun(copy)
  assert.is(run.status, 'Running')
  assert.is(run.interrupted, false)
  assert.match(run.message ?? '', /recorded on host some-other-host: from .* it cannot be told whether its driver \(pid \d+\) still runs/)
  const st = dflow('status', copy)
  assert.is(st.code, 3)
  assert.match(st.out, /cannot be told/)
})

test.run()
