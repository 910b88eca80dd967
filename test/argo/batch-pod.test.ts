/**
 * The Argo executor hook of batch jobs (lib/argo/batch-pod.ts): a template with `batch` compiles to a pod that
 * submits it over SSH and waits; the manifest passes Argo's schema and the lint, and equals its golden
 * (test/fixtures/argo-batch/relax.argo.yaml; `UPDATE_GOLDEN=1` rewrites it). The pod's script is run for real
 * against the local sshd and Slurm in test/argo/batch-pod.heavy.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'
import { sh, shell, step, workflow } from 'dflow-ts'
import { batchPods, toYaml, type BatchPodOptions } from 'dflow-ts/argo'
import { slurm, sge } from '../../lib/dispatcher/batch/index.ts'
import { jobShape } from '../../lib/dispatcher/jobs/index.ts'
import { templateOptions } from '../../lib/dispatcher/index.ts'
import { compileChecked, templateNamed } from './support/checked.ts'
import wf, { relax, withBatch } from '../fixtures/argo-batch/relax.ts'

const test = suite('argo: batch pods (the dispatcher executor hook)')
const golden = fileURLToPath(new URL('../fixtures/argo-batch/relax.argo.yaml', import.meta.url))
const options: BatchPodOptions = {
  systems: { slurm, sge },
  image: 'registry.example.org/hpc/ssh-client:1',
  remoteRoot: '/home/hpcuser/dflow',
  ssh: { host: 'login.hpc.example.org', port: 2222, user: 'hpcuser', secret: 'hpc-ssh' },
}

test('the batch template becomes a pod that submits over SSH; the other template is left alone; the manifest validates and equals its golden', () => {
  const m = compileChecked(wf, { executor: batchPods(options) })
  const text = toYaml(m)
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, text)
  assert.ok(existsSync(golden), 'the golden is missing: UPDATE_GOLDEN=1 rewrites it')
  assert.fixture(text, readFileSync(golden, 'utf8'))
  const pod = templateNamed(m, 'relax')
  assert.equal([pod.script?.image, pod.script?.command], [options.image, ['bash']])
  assert.equal(pod['volumes'], [{ name: 'dflow-batch-ssh', secret: { secretName: 'hpc-ssh', defaultMode: 0o400 } }])
  assert.equal(pod.script?.volumeMounts, [{ name: 'dflow-batch-ssh', mountPath: '/etc/dflow-batch-ssh', readOnly: true }])
  const source = String(pod.script?.source)
  assert.match(source, /ssh -q -i \/etc\/dflow-batch-ssh\/ssh-privatekey -p 2222 .* hpcuser@login\.hpc\.example\.org/)
  assert.match(source, /^#SBATCH --partition=debug$/m)
  assert.match(source, /^#SBATCH --comment=dflow-batch-pod$/m)
  assert.match(source, /^#SBATCH --chdir=\/home\/hpcuser\/dflow\/\{\{workflow\.name\}\}\/\{\{pod\.name\}\}\/job$/m)
  assert.match(source, /submit\) cd "\$R\/job" && sbatch --parsable /)
  assert.match(source, /cancel\) scancel "\$id"/)
  assert.match(source, /outputs\) cd "\$R" && for p in tmp\/dflow-param-energy tmp\/dflow-artifact-trajectory;/)
  const make = templateNamed(m, 'make-structure')
  assert.is(make.script?.command?.[0], 'sh', 'no batch field: the template is as the compiler made it')
  assert.is(make['volumes'], undefined)
})

test('shared storage: files are copied in the pod, none crosses SSH; another system renders its own header and commands', () => {
  const m = compileChecked(wf, { executor: batchPods({ ...options, artifacts: 'shared', ssh: { ...options.ssh, mountPath: '/var/run/hpc-ssh' } }) })
  const source = String(templateNamed(m, 'relax').script?.source)
  assert.match(source, /tar -C \/ -cf - tmp \| tar -xf - -C "\$R"/)
  assert.not.match(source, /tar -C \/ -cf - tmp \| ssh_/)
  assert.match(source, /-i \/var\/run\/hpc-ssh\/ssh-privatekey/)
  const sgeTemplate = { ...relax, name: 'relax-sge', batch: { system: 'sge' as const, queue: 'all.q' } }
  const r = batchPods(options).render(templateNamed(m, 'relax'), sgeTemplate)
  assert.match(String(r.script?.source), /^#\$ -q all\.q$/m)
  assert.match(String(r.script?.source), /qsub -terse .* \| cut -d\. -f1/)
})

test("with the dispatcher's jobShape: the template's Kubernetes resources and a text walltime become the job's; the pod keeps no resources", () => {
  const big = withBatch(shell({ name: 'big', resources: { requests: { cpu: '2', memory: '1Gi' } }, script: () => sh`true` }), { system: 'slurm', walltime: '00:10:00' })
  const m = compileChecked(workflow('big', step('big', big)), {
    executor: batchPods({ ...options, system: 'slurm', shape: (t) => jobShape({ ...(t.resources ? { resources: t.resources } : {}), options: [templateOptions(t)] }) }),
  })
  const t = templateNamed(m, 'big')
  for (const line of ['#SBATCH --cpus-per-task=2', '#SBATCH --mem=1024M', '#SBATCH --time=0-00:10:00']) assert.ok(String(t.script?.source).split('\n').includes(line), line)
  assert.is(t.script?.['resources'], undefined)
})

test('a system not given, and a remote root that is not a plain absolute path, are errors naming the field', () => {
  const pbsTemplate = { ...relax, batch: { system: 'pbs' as const } }
  const m = compileChecked(wf, {})
  const e = (() => { try { batchPods(options).render(templateNamed(m, 'relax'), pbsTemplate) } catch (x) { return x } })()
  assert.instance(e, DflowError)
  assert.match((e as DflowError).message, /templates\.relax\.batch\.system|no batch system "pbs"/)
  assert.throws(() => batchPods({ ...options, remoteRoot: 'relative/dir' }), /remoteRoot|not an absolute path/)
  assert.throws(() => batchPods(options).render(templateNamed(m, 'relax'), withBatch(relax, {} as never)), /names no system/)
  assert.throws(() => batchPods(options).render(templateNamed(m, 'relax'), withBatch(relax, { system: 'slurm', walltime: '1:00:00' })), /walltime "1:00:00" is text/)
})

test.run()
