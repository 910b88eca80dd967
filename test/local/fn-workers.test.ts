import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { seq, step, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { counter, hang, throwsLate } from '../helpers/fn-ops.ts'
import { processesWith } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: function-OP workers')
const tmp = tempDir('fn-workers')
test.after(tmp.cleanup)
const three = workflow('count', seq(...[1, 2, 3].map((i) => step(`c${i}`, counter))))

test('warm workers serve several calls (module state persists); reuseWorkers: false gives each call a fresh process', async () => {
  const warm = await local({ runsDir: tmp.path, parallelism: 1 }).run(three)
  assert.is(warm.status, 'Succeeded', warm.message)
  assert.ok(Math.max(...[1, 2, 3].map((i) => warm.step(`c${i}`).outputs['calls'] as number)) > 1)
  const fresh = await local({ runsDir: tmp.path, parallelism: 1, reuseWorkers: false }).run(three)
  assert.is(fresh.status, 'Succeeded', fresh.message)
  assert.equal([1, 2, 3].map((i) => fresh.step(`c${i}`).outputs['calls']), [1, 1, 1])
})

test('an error thrown outside the call\'s awaits ends its worker, and the step\'s message says what it was (Node printed it to a stderr that went nowhere)', async () => {
  const run = await local({ runsDir: tmp.path }).run(workflow('late', step('t', throwsLate)))
  assert.is(run.status, 'Failed')
  assert.is(run.step('t').exitCode, 1)
  assert.match(run.step('t').message ?? '', /thrown from a timer/)
  // The next call gets a worker that works.
  const after = await local({ runsDir: tmp.path }).run(three)
  assert.is(after.status, 'Succeeded', after.message)
})

/**
 * Runs `fixture` (a workflow whose OP starts `sleep MARKER`) in a driver process, kills the driver with
 * SIGKILL once the sleep runs, and says whether the sleep was gone within `ms`.
 */
const sleepOutlives = async (fixture: string, marker: string, ms: number): Promise<boolean> => {
  const driver = spawn(process.execPath, [resolve('bin/dflow.js'), 'run', fixture, '--runs-dir', tmp.path, '-q'], {
    env: { ...process.env, DFLOW_TEST_MARKER: marker },
    stdio: 'ignore',
  })
  for (let i = 0; i < 600 && !processesWith(`sleep ${marker}`).length; i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(processesWith(`sleep ${marker}`).length > 0, 'the step never started')
  driver.kill('SIGKILL')
  for (let i = 0; i < ms / 50 && processesWith(`sleep ${marker}`).length; i++) await new Promise((r) => setTimeout(r, 50))
  return processesWith(`sleep ${marker}`).length > 0
}

test('a driver killed with SIGKILL takes its workers and what they started with it', async () => {
  // the marker is unique to this test process: another run's sleeps must not match
  assert.not.ok(await sleepOutlives('test/fixtures/hanging-fn.ts', `93.${process.pid}`, 2000))
})

test('a driver killed while a synchronous call holds its worker\'s main thread: the worker\'s watchdog ends it and what it started', async () => {
  assert.not.ok(await sleepOutlives('test/fixtures/busy-fn.ts', `95.${process.pid}`, 5000), 'the sleep outlived its driver by 5 s: nothing saw the driver die')
})

test('stopping a run kills a running function OP and what it started', async () => {
  const marker = `94.${process.pid}`
  const ctl = new AbortController()
  setTimeout(() => ctl.abort('stopped by the test'), 600)
  const run = await local({ runsDir: tmp.path, killGraceSeconds: 0.5 }).run(workflow('stop-fn', step('h', hang, { marker })), { signal: ctl.signal })
  assert.is(run.status, 'Failed')
  assert.match(run.step('h').message ?? '', 'stopped by the test')
  for (let i = 0; i < 20 && processesWith(`sleep ${marker}`).length; i++) await new Promise((r) => setTimeout(r, 50))
  assert.equal(processesWith(`sleep ${marker}`), [])
})

test.run()
