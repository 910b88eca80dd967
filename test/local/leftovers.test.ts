import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { endLeftovers, LOCAL_STEP_MARK, stepProcesses } from '../../lib/local/leftovers.ts'
import { until } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * What a restart ends before it runs a killed driver's steps again: the processes the local interpreter started
 * for the run (its mark and a progress file under the run's steps folder) — not a batch job's, which has the
 * progress file only and which the restart takes over, nor another run's.
 */
const test = suite('local: the processes a restart ends')
const tmp = tempDir('leftovers')
test.after(tmp.cleanup)
const steps = join(tmp.path, 'run', 'steps')
mkdirSync(join(steps, 'a'), { recursive: true })

const sleeper = (env: Record<string, string>) => spawn('sleep', ['30'], { env: { PATH: process.env.PATH!, ...env }, stdio: 'ignore', detached: true })

test('a local step of the run is found and ended; a batch job\'s process and another run\'s are left alone', async () => {
  const progress = { DFLOW_PROGRESS_FILE: join(steps, 'a', 'progress') }
  const mine = sleeper({ ...progress, [LOCAL_STEP_MARK]: '1' })
  const batch = sleeper(progress)
  const other = sleeper({ DFLOW_PROGRESS_FILE: join(tmp.path, 'other', 'steps', 'a', 'progress'), [LOCAL_STEP_MARK]: '1' })
  try {
    assert.ok(await until(() => stepProcesses(steps).includes(mine.pid!)), 'the local step is found')
    assert.not.ok(stepProcesses(steps).includes(batch.pid!), 'not the batch job\'s process')
    assert.not.ok(stepProcesses(steps).includes(other.pid!), 'not another run\'s')
    const exited = new Promise((r) => mine.on('exit', r))
    assert.equal(await endLeftovers(steps), [])
    await exited
    assert.is(batch.exitCode, null, 'the batch job\'s process still runs')
    assert.is(other.exitCode, null, 'and so does the other run\'s')
  } finally {
    for (const p of [mine, batch, other]) p.kill('SIGKILL')
  }
})

test.run()
