import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { forEach, par, sequence, step, workflow } from 'dflow-ts'
import { local, type RunEvent } from 'dflow-ts/local'
import { sleeper } from '../helpers/templates.ts'
import { tempDir } from '../helpers/tmp.ts'

// A run stopped (SIGINT/SIGTERM reach the run as its abort signal) while a fan-out's calls wait for a slot:
// the calls that never started have no record, as on Argo; the fan-out's record says how many started.
const test = suite('local: a fan-out stopped before all its calls started')
const tmp = tempDir('stopped-fanout')
test.after(tmp.cleanup)

/** A runner with 2 slots that stops the run once `n` of the steps matching `id` are running. */
const stoppedAfter = (n: number, id: RegExp) => {
  const ctl = new AbortController()
  const running = new Set<string>()
  const onEvent = (e: RunEvent) => {
    if (e.type !== 'step' || e.step.phase !== 'Running' || !id.test(e.step.id)) return
    running.add(e.step.id)
    if (running.size === n) ctl.abort('stopped by SIGINT')
  }
  return { runner: local({ runsDir: tmp.path, parallelism: 2, killGraceSeconds: 1, onEvent }), signal: ctl.signal }
}

test('calls that never started have no record; the fan-out records 2 of 40 calls started', async () => {
  const { runner, signal } = stoppedAfter(2, /^sl\(\d+\)$/)
  const r = await runner.run(workflow('stop-fan', forEach(sequence({ count: 40 }), () => step('sl', sleeper, { seconds: 30 }))), { signal })
  assert.is(r.status, 'Failed')
  const calls = r.steps().filter((s) => s.record.parent === 'sl')
  assert.equal(calls.map((s) => s.phase), ['Failed', 'Failed'])
  const fan = r.step('sl')
  assert.is(fan.phase, 'Failed')
  assert.equal(fan.record.calls, { started: 2, total: 40 })
  assert.match(fan.message ?? '', /^2 of 40 calls started; /)
  // nor a folder: only the two that ran have one
  assert.equal(readdirSync(join(r.dir, 'steps')).sort(), calls.map((s) => s.id).sort())
})

test('a leaf of a par that waited for a slot when the run stopped has no record either', async () => {
  const { runner, signal } = stoppedAfter(2, /^p\d$/)
  const hook = step('hook', sleeper, { seconds: 0 })
  const r = await runner.run(workflow('stop-par', par(...[0, 1, 2, 3, 4].map((i) => step(`p${i}`, sleeper, { seconds: 30 }, { onExit: hook })))), { signal })
  assert.is(r.status, 'Failed')
  // the two that ran, and their exit hooks (a step that never ran has no hook either)
  const ids = r.steps().map((s) => s.id)
  assert.equal(ids.filter((id) => !id.endsWith('.onExit')).length, 2)
  assert.equal(ids.filter((id) => id.endsWith('.onExit')).sort(), ids.filter((id) => !id.endsWith('.onExit')).map((id) => `${id}.onExit`).sort())
})

test('a fan-out whose calls all ran records them all started', async () => {
  const r = await local({ runsDir: tmp.path }).run(workflow('all-fan', forEach(sequence({ count: 3 }), () => step('sl', sleeper, { seconds: 0 }))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(r.step('sl').record.calls, { started: 3, total: 3 })
})

test.run()
