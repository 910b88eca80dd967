import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { openRun, restart, RestartRefused } from 'dflow-ts/local'
import { BIN, dflow } from '../helpers/cli.ts'
import { processesWith, until } from '../helpers/processes.ts'
import { killedWhileRunning } from '../helpers/killed-run.ts'
import { endLeftovers, stepProcesses } from '../../lib/local/leftovers.ts'
import { tempDir } from '../helpers/tmp.ts'
import restartable, { cPlus, restartableWith } from '../fixtures/restartable.ts'

/**
 * `dflow restart RUN_DIR` / `restart(dir)`: a run whose driver was killed outright continues in its folder —
 * steps recorded Succeeded are not run again (each step appends its name to a side-effect log), the step that
 * was running runs again, and the run ends as if it had never stopped. A changed workflow is refused with what
 * changed unless allowed; a journal cut short by a crash is read to its last whole record, with a warning.
 */
const test = suite('local: restart continues a killed run')
const tmp = tempDir('restart')
test.after(tmp.cleanup)
const FIXTURE = 'test/fixtures/restartable.ts'
const log = join(tmp.path, 'log')
const gate = join(tmp.path, 'gate')
process.env.DFLOW_RESTART_LOG = log
process.env.DFLOW_RESTART_GATE = gate
const logged = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).sort() : [])

/** Runs the fixture with `dflow run` in a child, waits until `b` runs, kills the driver with SIGKILL; the run folder. */
const killedWhileBRuns = async (runs: string): Promise<string> => {
  rmSync(gate, { force: true })
  return killedWhileRunning(FIXTURE, runs, 'b')
}

test('dflow restart after kill -9: nothing recorded Succeeded runs again, the run ends as if it never stopped', async () => {
  const dir = await killedWhileBRuns(join(tmp.path, 'runs1'))
  assert.equal(logged(), ['a'], 'a ran; b waits for its gate')
  assert.ok(await until(() => processesWith(`${dir}/scripts/b`).length === 0), "b's process died with its driver")
  writeFileSync(gate, '')
  const r = dflow('restart', dir, '-q')
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /restartable Succeeded/)
  assert.equal(logged(), ['a', 'b', 'c0', 'c1', 'c2', 'd'], 'every step ran once')
  const run = await openRun(dir, restartable)
  assert.is(run.status, 'Succeeded')
  assert.is(run.interrupted, false)
  assert.is(run.step('d').outputs.sum, 10)
  assert.is(run.record.restarts?.length, 1)
  // What b's killed attempt left is kept aside, and b ran afresh.
  assert.ok(existsSync(join(dir, 'steps', 'b', 'restarted', '0', 'log.txt')))
  // Restarting a finished run runs nothing.
  const again = await restart(dir)
  assert.is(again.status, 'Succeeded')
  assert.equal(logged(), ['a', 'b', 'c0', 'c1', 'c2', 'd'])
})

/** The fixture with c's script changed (it adds one more). */
const changed = (): Workflow => restartableWith(cPlus(1))

test('a changed workflow is refused with what changed; --allow-changes runs the changed steps and what is downstream', async () => {
  const dir = await killedWhileBRuns(join(tmp.path, 'runs2'))
  writeFileSync(log, '')
  // Every step has succeeded when the driver is killed: here, by finishing the run and making it look killed.
  writeFileSync(gate, '')
  const done = dflow('restart', dir, '-q')
  assert.is(done.code, 0, done.out + done.err)
  const wfFile = join(dir, 'workflow.json')
  writeFileSync(wfFile, JSON.stringify({ ...JSON.parse(readFileSync(wfFile, 'utf8')), status: 'Running', pid: 999_999_999 }))
  writeFileSync(log, '')
  const refused = await restart(dir, { workflow: changed() }).then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.instance(refused, RestartRefused)
  assert.equal((refused as RestartRefused).changes, ['template "c" changed: its script'])
  assert.match((refused as Error).message, /allow-changes/)
  const run = await restart(dir, { workflow: changed(), allowChanges: true })
  assert.is(run.status, 'Succeeded')
  assert.equal(logged(), ['c0', 'c1', 'c2', 'd'], 'c changed and d is downstream of it: they ran again, a and b did not')
  assert.is(run.step('d').outputs.sum, 13)
})

test('a journal cut short by a crash is read to its last whole record, with a warning', async () => {
  const dir = await killedWhileBRuns(join(tmp.path, 'runs3'))
  writeFileSync(log, '')
  appendFileSync(join(dir, 'steps.jsonl'), '{"id":"c(0)","name":"c(0)","par')
  writeFileSync(gate, '')
  const warnings: string[] = []
  const run = await restart(dir, { onWarning: (w) => warnings.push(w) })
  assert.is(run.status, 'Succeeded')
  assert.is(warnings.length, 1)
  assert.match(warnings[0]!, /steps\.jsonl: its last record is cut short \(\d+ bytes, a crash in the middle of a write\): read to the last whole record/)
  assert.equal(logged(), ['b', 'c0', 'c1', 'c2', 'd'])
})

test('a run whose driver still runs is not restarted', async () => {
  const runs = join(tmp.path, 'runs4')
  writeFileSync(log, '')
  rmSync(gate, { force: true })
  const child = spawn(process.execPath, [BIN, 'run', FIXTURE, '--runs-dir', runs, '-q'], { env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' })
  assert.ok(await until(() => existsSync(runs) && readdirSync(runs).length === 1 && existsSync(join(runs, readdirSync(runs)[0]!, 'restart.json')), 30_000))
  const dir = join(runs, readdirSync(runs)[0]!)
  const r = dflow('restart', dir)
  assert.is(r.code, 2, r.out + r.err)
  assert.match(r.err, new RegExp(`its driver \\(pid ${child.pid}\\) is still running it`))
  writeFileSync(gate, '')
  await new Promise((res) => child.on('exit', res))
})

test('a process a killed step left outside its group is ended before the step runs again', async () => {
  rmSync(gate, { force: true })
  const dir = await killedWhileRunning('test/fixtures/escaping.ts', join(tmp.path, 'runs5'), 'e', {}, (d) => stepProcesses(join(d, 'steps')).some((p) => processesWith('^sleep 1000$').includes(String(p))))
  const escaped = () => stepProcesses(join(dir, 'steps'))
  assert.ok(await until(() => escaped().length === 1), 'only the setsid-ed sleep outlives the driver and the launcher')
  const [old] = escaped()
  writeFileSync(gate, '')
  const run = await restart(dir)
  assert.is(run.status, 'Succeeded')
  assert.not.ok(escaped().includes(old!), `the escaped process ${old} was killed by the restart`)
  await endLeftovers(join(dir, 'steps')) // the one the restarted e left
})

test.run()
