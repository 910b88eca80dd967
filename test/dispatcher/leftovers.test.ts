import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { sh, shell, step, workflow } from 'dflow-ts'
import { contextExec, dispatcher, localContext, shell as shellSystem, type Exec } from 'dflow-ts/dispatcher'
import { tempDir } from '../helpers/tmp.ts'
import { processesUnder } from '../helpers/processes.ts'

// A job whose call is given up (the step's timeout, the run stopped) must leave no process behind — also when
// the call is given up while its submission is under way (the scheduler has the job, the driver not its id yet).
const test = suite('dispatcher: no process outlives its cancelled job')
const tmp = tempDir('dispatcher-leftovers')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const sleepy = (timeout: number) => workflow('leftovers', step('sleep', shell({ name: 'sleep', timeout, script: () => sh`echo 123; sleep 86400` })))

/** The shell system's commands, its submissions answering `ms` late (the job runs meanwhile). */
const lateSubmits = (ms: number): Exec => {
  const inner = contextExec(localContext({ root: tmp.path }), shellSystem)
  return async (c) => {
    const r = await inner(c)
    if (c.argv.some((a) => a.includes('setsid'))) await sleep(ms)
    return r
  }
}

/** Waits up to `ms` for the processes under `dir` to go (a cancel's signal takes a moment), and returns what is left. */
const leftAfter = async (dir: string, ms: number): Promise<string[]> => {
  const until = Date.now() + ms
  while (processesUnder(dir).length && Date.now() < until) await sleep(100)
  return processesUnder(dir)
}

test('a timeout that runs out while the job runs cancels it: no process of it is left', async () => {
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(sleepy(1))
  assert.equal(run.step('sleep').phase, 'Failed')
  assert.equal(await leftAfter(run.dir, 5000), [])
})

test('a timeout that runs out while the job\'s submission is under way cancels the job once its id is known: no process is left', async () => {
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick, exec: lateSubmits(2000) }).run(sleepy(0.5))
  assert.equal(run.step('sleep').phase, 'Failed')
  assert.equal(run.step('sleep').exitCode, 143)
  assert.equal(await leftAfter(run.dir, 5000), [])
})

test('a run stopped while a submission is under way cancels that job too', async () => {
  const ctl = new AbortController()
  const running = dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick, exec: lateSubmits(2000) }).run(sleepy(60), { signal: ctl.signal })
  setTimeout(() => ctl.abort('stopped by the test'), 700)
  const run = await running
  assert.equal(run.step('sleep').phase, 'Failed')
  assert.equal(await leftAfter(run.dir, 5000), [])
})

test.run()
