/**
 * Batch systems over SSH: sbatch/squeue and qsub/qstat run on the "login node" (the real sshd of
 * scripts/services.sh, user hpcuser) through the SSH context, against the real Slurm and SGE; one connection
 * (counted by a loopback proxy) serves every command, and a connection cut mid-poll is survived without a
 * second submission.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { queryJobs, readExitCode, settle, sge, slurm, submitJob, type BatchJob, type Command, type JobState } from '../../lib/dispatcher/batch/index.ts'
import { contextExec, sshContext } from '../../lib/dispatcher/context/index.ts'
import { tcpProxy } from '../helpers/tcp-proxy.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { knownHostsFor, sshConfigFor, sshTest } from './support/ssh.ts'

const test = suite('dispatcher/context: batch systems over SSH')
const tmp = tempDir('ssh-slurm')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const s = sshTest()
const remoteRoot = `/tmp/dflow-ssh-batch-${randomBytes(4).toString('hex')}`
test.after(tmp.cleanup)

if (serviceUp('sshd', 'the Slurm-over-SSH tests') && serviceUp('slurm', 'the Slurm-over-SSH tests')) {

  test('a job submitted and polled with sbatch/squeue over SSH, many commands on one connection; a cut mid-poll reconnects and submits nothing twice', async () => {
    const proxy = await tcpProxy(s.port)
    const ctx = sshContext(sshConfigFor(s, remoteRoot, { port: proxy.port, knownHosts: knownHostsFor(s, proxy.port, join(tmp.path, 'kh')) }))
    try {
      const commands: Command[] = []
      const inner = contextExec(ctx, slurm)
      const exec = (c: Command) => (commands.push(c), inner(c))
      const name = `ssh-${randomBytes(3).toString('hex')}`
      const job: BatchJob = { name, command: 'sleep 4; echo "$(whoami) on $(hostname)" > result.txt', workDir: ctx.layout.step('run-1', name) }
      const submitted = await submitJob(slurm, exec, job)
      assert.ok('id' in submitted, JSON.stringify(submitted))
      const id = (submitted as { id: string }).id
      let state: JobState = { verdict: 'unknown', raw: '' }
      let polls = 0
      let cut = false
      const until = Date.now() + 120_000
      while (state.verdict !== 'succeeded' && state.verdict !== 'failed' && Date.now() < until) {
        const raw = queryJobs(slurm, exec, [id])
        if (polls === 2 && !cut) {
          await sleep(20) // the query is on the wire
          proxy.cut()
          cut = true
        }
        state = settle((await raw).get(id), await readExitCode(exec, job))
        polls++
        await sleep(300)
      }
      assert.is(state.verdict, 'succeeded', JSON.stringify(state))
      assert.is(state.exitCode, 0)
      assert.is((await ctx.readFile(`${job.workDir}/result.txt`))?.toString(), `${s.user} on ${(await exec({ argv: ['hostname'] })).stdout.trim()}\n`)
      const named = await exec({ argv: ['squeue', '-h', '-t', 'all', '-u', s.user, '-n', name, '-o', '%i'] })
      assert.equal(named.stdout.trim().split('\n'), [id], 'one job of that name: submitted once')
      assert.ok(commands.length >= 8, `many commands (${commands.length})`)
      assert.ok(commands.some((c) => c.argv[0] === 'sbatch') && commands.some((c) => c.argv[0] === 'squeue'))
      assert.is(proxy.connections(), 2, 'one connection before the cut, one after')
    } finally {
      await ctx.exec({ argv: ['rm', '-rf', remoteRoot] }).catch(() => undefined)
      await ctx.close()
      await proxy.close()
    }
  })
}

if (serviceUp('sshd', 'the SGE-over-SSH tests') && serviceUp('sge', 'the SGE-over-SSH tests')) {
  test('SGE over SSH: qsub and qstat run as the remote user with the environment the context exports (SGE_ROOT)', async () => {
    const root = `${remoteRoot}-sge`
    const ctx = sshContext(sshConfigFor(s, root, { env: { SGE_ROOT: '/var/lib/gridengine', SGE_CELL: 'default' } }))
    try {
      const exec = contextExec(ctx, sge)
      const job: BatchJob = { name: 'sgessh', command: 'echo "$(whoami)" > result.txt; exit 5', workDir: ctx.layout.step('run-1', 'sgessh') }
      const submitted = await submitJob(sge, exec, job)
      assert.ok('id' in submitted, JSON.stringify(submitted))
      const id = (submitted as { id: string }).id
      let state: JobState = { verdict: 'unknown', raw: '' }
      for (const until = Date.now() + 120_000; state.verdict !== 'failed' && state.verdict !== 'succeeded' && Date.now() < until; await sleep(500))
        state = settle((await queryJobs(sge, exec, [id])).get(id), await readExitCode(exec, job))
      assert.equal([state.verdict, state.exitCode], ['failed', 5])
      assert.is((await ctx.readFile(`${job.workDir}/result.txt`))?.toString(), `${s.user}\n`)
    } finally {
      await ctx.exec({ argv: ['rm', '-rf', root] }).catch(() => undefined)
      await ctx.close()
    }
  })
}
test.run()
