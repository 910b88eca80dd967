/**
 * Golden job scripts of the five batch systems for one full job description (every resource, header line,
 * module, env, pre/post), and the body's behaviour when bash runs it. `UPDATE_GOLDEN=1 npm test` rewrites the
 * goldens in test/fixtures/batch/golden; nothing else does.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DflowError } from '../../dsl/problem.ts'
import { checkJob, jobFiles, lsf, pbs, sge, shell, slurm, type BatchJob } from '../../lib/dispatcher/batch/index.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('dispatcher/batch: job scripts')
const tmp = tempDir('batch-scripts')
test.after(tmp.cleanup)
const goldens = fileURLToPath(new URL('../fixtures/batch/golden/', import.meta.url))
const update = process.env['UPDATE_GOLDEN'] === '1'

const full: BatchJob = {
  name: 'relax-0',
  command: 'echo "start $PWD"\nrelax --steps 10',
  workDir: '/scratch/run-1/relax-0',
  env: { OMP_NUM_THREADS: '4', LABEL: "it's a test" },
  resources: { cpus: 4, memoryMiB: 2048, gpus: 1, walltimeSeconds: 5430 },
  queue: 'gpu',
  nodes: 1,
  header: ['# site: account below', '#EXTRA --account=chem'],
  modules: ['gcc/12', 'openmpi'],
  pre: 'echo pre',
  post: 'echo post',
}

for (const sys of [slurm, sge, pbs, lsf, shell]) {
  test(`${sys.name}: the full job renders to its golden script`, () => {
    const file = join(goldens, `${sys.name}.sh`)
    const text = sys.render(full)
    if (update) {
      mkdirSync(goldens, { recursive: true })
      writeFileSync(file, text)
    }
    assert.ok(existsSync(file), `missing golden ${file}: run UPDATE_GOLDEN=1 npm test`)
    assert.fixture(text, readFileSync(file, 'utf8'))
    assert.is(text.split('\n')[0], '#!/bin/bash', 'the shebang is line 1 (sbatch rejects a script that starts with an empty line)')
  })
}

test('the walltime is whole minutes rounded up for LSF, D-HH:MM:SS for Slurm, HH:MM:SS for SGE and PBS', () => {
  const job = { ...full, resources: { walltimeSeconds: 90061 } }
  assert.match(slurm.render(job), /^#SBATCH --time=1-01:01:01$/m)
  assert.match(sge.render(job), /^#\$ -l h_rt=25:01:01$/m)
  assert.match(pbs.render(job), /^#PBS -l walltime=25:01:01$/m)
  assert.match(lsf.render(job), /^#BSUB -W 1502$/m)
})

test('a job with no resources asks for one CPU on one node and nothing else', () => {
  const job: BatchJob = { name: 'a', command: 'true', workDir: '/w/a' }
  assert.not.match(slurm.render(job), /--mem|--gres|--time|--partition/)
  assert.match(slurm.render(job), /--cpus-per-task=1$/m)
  assert.not.match(sge.render(job), /-pe |-l |-q /)
  assert.match(pbs.render(job), /^#PBS -l select=1:ncpus=1$/m)
  assert.match(lsf.render(job), /^#BSUB -n 1$/m)
})

test('a bad job description is refused with problems naming each field', () => {
  assert.equal(checkJob({ ...full, workDir: '/a b' }).map((p) => p.path.join('.')), ['workDir'])
  const bad: BatchJob = { name: '1st job', command: 'true', workDir: 'rel/dir', env: { 'A-B': 'x' }, resources: { cpus: 0, gpus: 1.5 }, nodes: -1 }
  assert.equal(checkJob(bad).map((p) => p.path.join('.')), ['name', 'workDir', 'resources.cpus', 'resources.gpus', 'nodes', 'env.A-B'])
  assert.throws(() => slurm.render(bad), (e: unknown) => e instanceof DflowError && /workDir/.test(e.message))
  assert.throws(() => sge.render({ ...full, nodes: 2 }), (e: unknown) => e instanceof DflowError && /nodes: SGE has no node count/.test(e.message))
})

test('the body runs the command in its work dir with quoted env, pre and post, and writes its exit status atomically', async () => {
  const workDir = join(tmp.path, 'work-1')
  mkdirSync(workDir, { recursive: true })
  const job: BatchJob = {
    name: 'body',
    command: 'echo "cmd $LABEL in $(basename "$PWD")"\nexit 7',
    workDir,
    env: { LABEL: `it's "$HOME" \\ $(no)` },
    pre: 'echo pre',
    post: 'echo post; false',
  }
  const script = jobFiles(job).script
  writeFileSync(script, shell.render(job))
  const r = await execa('bash', [script], { reject: false, cwd: tmp.path })
  assert.is(r.exitCode, 7)
  assert.is(r.stdout, `pre\ncmd it's "$HOME" \\ $(no) in work-1\npost`)
  assert.is(readFileSync(jobFiles(job).exitCode, 'utf8'), '7\n')
  assert.not.ok(existsSync(`${jobFiles(job).exitCode}.tmp`))
})

test('a work dir that cannot be entered still writes exit status 1', async () => {
  const workDir = join(tmp.path, 'gone')
  const job: BatchJob = { name: 'nocd', command: 'echo never', workDir }
  mkdirSync(workDir)
  const script = join(tmp.path, 'nocd.sh')
  writeFileSync(script, shell.render(job))
  await execa('chmod', ['000', workDir])
  const r = await execa('bash', [script], { reject: false })
  await execa('chmod', ['755', workDir])
  // root enters a 000 directory anyway; then the command runs: either way the trailer wrote the status
  assert.is(readFileSync(jobFiles(job).exitCode, 'utf8'), `${r.exitCode}\n`)
})

test.run()
