import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { contextExec, dispatcher, slurm, type Exec } from 'dflow-ts/dispatcher'
import { timeoutsStep } from '../../examples/argo/timeouts-step.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { processesUnder } from '../helpers/processes.ts'
import { sshScratch } from './support/ssh.ts'

// Argo's timeouts-step (`echo 123; sleep 86400` under a short timeout) on the real Slurm over SSH (user
// hpcuser): the driver's timeout cancels the job, and no process of it is left on the login node — also
// when the timeout runs out while sbatch is under way (the job queued, its id not known yet). CI once found a
// `sleep 86400` of hpcuser left from this example.
const test = suite('dispatcher: no process outlives its cancelled Slurm job over SSH')
const tmp = tempDir('dispatcher-leftovers-ssh')
const quick = { poll: { initialMs: 200, maxMs: 1000 } }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const leftAfter = async (dir: string, ms: number): Promise<string[]> => {
  const until = Date.now() + ms
  while (processesUnder(dir).length && Date.now() < until) await sleep(200)
  return processesUnder(dir)
}

if (serviceUp('sshd', 'the leftover-process tests over SSH') && serviceUp('slurm', 'the leftover-process tests over SSH')) {
  const { ctx, end } = sshScratch('leftovers-ssh')
  test.after(async () => {
    await end()
    tmp.cleanup()
  })
  const root = (ctx as { root: string }).root

  test('timeouts-step over SSH: Failed by its timeout, and no process left under the remote root', async () => {
    const run = await dispatcher({ batch: 'slurm', runsDir: tmp.path, context: ctx, politeness: quick }).run(timeoutsStep(2))
    assert.equal(run.step('sleep').phase, 'Failed', run.step('sleep').message)
    assert.equal(await leftAfter(root, 20_000), [])
  })

  test('timeouts-step over SSH with sbatch answering late: the job is cancelled once its id is known, no process left', async () => {
    const inner = contextExec(ctx, slurm)
    const exec: Exec = async (c) => {
      const r = await inner(c)
      if (c.argv[0] === 'sbatch') await sleep(4000) // the job starts meanwhile
      return r
    }
    const run = await dispatcher({ batch: 'slurm', runsDir: tmp.path, context: ctx, exec, politeness: quick }).run(timeoutsStep(1))
    assert.equal(run.step('sleep').phase, 'Failed', run.step('sleep').message)
    assert.equal(await leftAfter(root, 20_000), [])
  })
} else test.after(tmp.cleanup)

test.run()
