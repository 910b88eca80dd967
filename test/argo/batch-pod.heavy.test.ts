/**
 * The batch pod's script (lib/argo/batch-pod.ts) run for real, as Argo would run it, against the test sshd and
 * the real Slurm of scripts/services.sh: in a mount namespace of its own with an empty /tmp (the pod's), the
 * inputs placed where Argo puts them, the SSH key and known_hosts where the secret is mounted. It sends the
 * inputs over SSH, submits the step to Slurm as the SSH user, polls, brings the outputs back and exits with the
 * step's status; a TERM cancels the job. Root only (the mount namespace).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sh, shell, step, workflow, type Workflow } from 'dflow-ts'
import { batchPods, type ArgoTemplate } from 'dflow-ts/argo'
import { slurm } from '../../lib/dispatcher/batch/index.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import { serviceUp } from '../dispatcher/support/services.ts'
import { sshTest } from '../dispatcher/support/ssh.ts'
import { until } from '../dispatcher/support/queue.ts'
import wf, { failing, withBatch } from '../fixtures/argo-batch/relax.ts'

const test = suite('argo: a batch pod run for real against sshd and Slurm')
// outside /tmp: the pod's own /tmp is a fresh tmpfs
const dir = mkdtempSync('/var/tmp/dflow-test-batch-pod-')
test.after(() => rmSync(dir, { recursive: true, force: true }))

const up = process.getuid?.() === 0 && serviceUp('slurm', 'the batch pod run for real') && serviceUp('sshd', 'the batch pod run for real')
if (up) {
  const s = sshTest()
  const remoteRoot = `/home/${s.user}/dflow-batch-pod-test`
  test.after(() => rmSync(remoteRoot, { recursive: true, force: true }))
  const secret = join(dir, 'secret')
  mkdirSync(secret)
  copyFileSync(s.key, join(secret, 'ssh-privatekey'))
  copyFileSync(s.knownHosts, join(secret, 'known_hosts'))
  chmodSync(join(secret, 'ssh-privatekey'), 0o400)
  const executor = batchPods({
    systems: { slurm }, image: 'unused', remoteRoot, poll: { initialSeconds: 0.3, maxSeconds: 1 },
    ssh: { host: s.host, port: s.port, user: s.user, secret: 'unused', mountPath: secret },
  })
  let pods = 0

  /** Runs a compiled template's pod script the way Argo would, with the given inputs; its exit, stdout, stderr and output files. */
  const runPod = (w: Workflow, name: string, inputs: { params?: Record<string, string>; files?: Record<string, string> } = {}, whileRunning?: (pid: number, ended: () => boolean) => Promise<void>) => {
    const t: ArgoTemplate = templateNamed(compileChecked(w, { executor }), name)
    const pod = join(dir, `pod-${++pods}`)
    mkdirSync(join(pod, 'out'), { recursive: true })
    const fill = (x: string) => Object.entries(inputs.params ?? {}).reduce((a, [k, v]) => a.split(`{{inputs.parameters.${k}}}`).join(v), x.split('{{workflow.name}}').join(`wf-${process.pid}`).split('{{pod.name}}').join(`${name}-${pods}`))
    writeFileSync(join(pod, 'script'), fill(String(t.script?.source)))
    const env = Object.fromEntries(((t.script?.['env'] ?? []) as { name: string; value: string }[]).map((e) => [e.name, fill(e.value)]))
    const place = Object.entries(inputs.files ?? {}).map(([p, text]) => `mkdir -p "$(dirname ${p})"; printf %s '${text}' > ${p}`).join('; ')
    const outputs = [...(t.outputs?.parameters ?? []).map((p) => (p as { valueFrom: { path: string } }).valueFrom.path), ...(t.outputs?.artifacts ?? []).map((a) => (a as { path: string }).path)]
    const wrapper = `set -e; mount -t tmpfs tmpfs /tmp; mkdir -p /tmp/workdir; ${place || ':'}; cd /tmp/workdir; set +e
bash ${pod}/script >${pod}/stdout 2>${pod}/stderr; code=$?
for o in ${outputs.join(' ')}; do [ -e "$o" ] && cp -r "$o" ${pod}/out/; done; exit $code`
    const child = execa('unshare', ['-m', '--propagation', 'private', 'bash', '-c', wrapper], { env, reject: false })
    let ended = false
    void child.then(() => (ended = true))
    return (async () => {
      if (whileRunning) await whileRunning(child.pid!, () => ended)
      const r = await child
      const read = (f: string) => { try { return readFileSync(join(pod, f), 'utf8') } catch { return undefined } }
      return { exitCode: r.exitCode, stdout: read('stdout'), stderr: read('stderr') ?? '', read }
    })()
  }

  test('a step with a parameter and an artifact in, a parameter and a folder out: submitted over SSH, its outputs and stdout back', async () => {
    const r = await runPod(wf, 'relax', { params: { steps: '10' }, files: { '/tmp/inputs/artifacts/structure': 'H2O\n' } })
    assert.is(r.exitCode, 0, r.stderr)
    assert.match(r.stdout ?? '', /^relaxing H2O for 10 steps on \S+\n$/)
    assert.is(r.read('out/dflow-param-energy'), '-42.5\n')
    assert.is(r.read('out/dflow-artifact-trajectory/0.xyz'), 'frame-0\n')
    const id = /submitted slurm job (\d+)/.exec(r.stderr)?.[1]
    assert.ok(id, r.stderr)
    const job = (await execa('scontrol', ['-o', 'show', 'job', id!])).stdout
    assert.match(job, /JobState=COMPLETED/)
    assert.match(job, new RegExp(`UserId=${s.user}\\(`), 'the job ran as the SSH user')
    assert.match(job, /Partition=debug/)
  })

  test("a failing step: the pod exits with the step's own status and shows its stderr", async () => {
    const r = await runPod(workflow('fails', step('fails', failing)), 'fails')
    assert.is(r.exitCode, 3)
    assert.match(r.stderr, /about to fail/)
  })

  test('the pod stopped (TERM, as Argo stops a step) cancels its job', async () => {
    const long = withBatch(shell({ name: 'long', script: () => sh`sleep 300` }), { system: 'slurm' })
    let id: string | undefined
    const r = await runPod(workflow('long', step('long', long)), 'long', {}, async (pid, ended) => {
      const stderr = join(dir, `pod-${pods}`, 'stderr')
      // under load (and with other suites restarting the shared sshd) staging can take a while
      await until(() => { id = existsSync(stderr) ? /submitted slurm job (\d+)/.exec(readFileSync(stderr, 'utf8'))?.[1] : undefined; return !!id || ended() }, 180_000, 'the submission')
      if (!id) return
      await until(async () => (await execa('squeue', ['-h', '-j', id!, '-o', '%T'])).stdout.trim() === 'RUNNING', 120_000, 'the job to run')
      // the pod's bash: the wrapper's child (unshare execs bash -c, which runs bash SCRIPT)
      const podPid = (await execa('pgrep', ['-P', String(pid), '-x', 'bash'])).stdout.trim().split('\n')[0]!
      process.kill(Number(podPid), 'SIGTERM')
    })
    assert.ok(id, `the pod ended before it submitted: ${r.stderr}`)
    assert.is(r.exitCode, 143, r.stderr)
    assert.match(r.stderr, /stopped: cancelling job/)
    await until(async () => /CANCELLED/.test((await execa('scontrol', ['-o', 'show', 'job', id!])).stdout), 30_000, 'the job to be cancelled')
  })
}
test.run()
