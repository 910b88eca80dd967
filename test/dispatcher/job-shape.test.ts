/**
 * The pure parts of the job queue: the one mapping of a template's resources and the batch settings to a job
 * (golden scripts of all five systems, arrays of Slurm and SGE), DPDispatcher's dicts, the poll interval, the
 * new parsers of the batch layer (arrays, names). `UPDATE_GOLDEN=1` rewrites test/fixtures/batch/golden-jobs.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DflowError } from '../../dsl/problem.ts'
import { lsf, namesToIds, pbs, sge, shell, slurm, type CommandResult } from '../../lib/dispatcher/batch/index.ts'
import {
  batchJobOf, budgetMs, callOutcome, cpusOf, DEFAULT_POLL, fromDpdispatcher, jobName, jobShape, mebibytesOf, nextInterval, phaseOfVerdict, walltimeSeconds,
} from '../../lib/dispatcher/jobs/index.ts'

const test = suite('dispatcher/jobs: resources, scripts, DPDispatcher dicts')
const goldens = fileURLToPath(new URL('../fixtures/batch/golden-jobs/', import.meta.url))
const update = process.env['UPDATE_GOLDEN'] === '1'
const golden = (file: string, text: string) => {
  const path = join(goldens, file)
  if (update) (mkdirSync(goldens, { recursive: true }), writeFileSync(path, text))
  assert.ok(existsSync(path), `missing golden ${path}: run UPDATE_GOLDEN=1 npm test`)
  assert.fixture(text, readFileSync(path, 'utf8'))
}
const errorPaths = (f: () => unknown): string[] => {
  try {
    f()
  } catch (e) {
    if (e instanceof DflowError) return e.problems.map((p) => p.path.join('.'))
    throw e
  }
  return []
}
const out = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '' })

// a template asking for 4 CPUs, 2 GiB and a GPU; queue, template and step settings layered
const shape = jobShape({
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '4', memory: '2Gi', 'nvidia.com/gpu': '1' } },
  options: [
    { partition: 'debug', modules: ['gcc/12'], env: { SITE: 'hpc' } },
    { queue: 'gpu', header: ['#EXTRA --account=chem'], modules: ['cuda/12'], pre: 'nvidia-smi -L' },
    { nodes: 1, env: { OMP_NUM_THREADS: '4' }, post: 'echo post' },
  ],
})
const calls = [0, 1, 2].map((i) => ({ dir: `/scratch/run-1/calls/c${i}`, files: `/scratch/run-1/calls/c${i}/dflow-c${i}`, command: i === 1 ? 'relax --steps 10\nexit 3' : `echo "call ${i}"`, env: { LABEL: `it's ${i}` }, timeoutSeconds: 90 }))

test('jobShape: limits win over requests; quantities in batch units; settings layered (later wins, lists add up)', () => {
  assert.equal(shape, {
    resources: { cpus: 4, memoryMiB: 2048, gpus: 1 },
    queue: 'gpu',
    nodes: 1,
    header: ['#EXTRA --account=chem'],
    modules: ['gcc/12', 'cuda/12'],
    env: { SITE: 'hpc', OMP_NUM_THREADS: '4' },
    pre: 'nvidia-smi -L',
    post: 'echo post',
  })
  assert.equal(jobShape({ resources: { requests: { cpu: '1500m', memory: '1G' } } }), { resources: { cpus: 2, memoryMiB: 954 } })
  assert.equal([cpusOf('250m'), mebibytesOf('512Mi'), mebibytesOf('3'), walltimeSeconds('1-00:00:30'), walltimeSeconds('10:00'), walltimeSeconds(7)], [1, 512, 1, 86430, 600, 7])
  assert.equal(jobShape({ options: [{ walltime: '02:00:00' }] }), { resources: { walltimeSeconds: 7200 } })
})

test('jobShape: problems name the field: an unknown resource, a bad quantity, an unknown setting, a conflict', () => {
  assert.equal(
    errorPaths(() => jobShape({
      resources: { limits: { 'ephemeral-storage': '1Gi', memory: 'lots', cpu: '-1' } },
      options: [{ partition: 'a', queue: 'b' }, { walltime: 'soon', qos: 'high' } as never],
    })),
    ['resources.limits.ephemeral-storage', 'resources.limits.memory', 'resources.limits.cpu', 'batch.0.queue', 'batch.1.qos', 'batch.1.walltime'],
  )
})

for (const sys of [slurm, sge, pbs, lsf, shell]) {
  test(`${sys.name}: a job of three calls (2 at a time), from template resources and layered settings, renders to its golden`, () => {
    const job = batchJobOf({ name: jobName('run-1', ['c0', 'c1', 'c2']), root: '/scratch/run-1/jobs', groups: [calls], shape, parallel: 2, array: false })
    // SGE has no node count: its shape leaves nodes out
    golden(`${sys.name}.sh`, sys.render(sys === sge ? { ...job, nodes: undefined } as never : job))
  })
}

for (const sys of [slurm, sge]) {
  test(`${sys.name}: an array of three elements (one call each) renders to its golden`, () => {
    const { nodes: _, ...noNodes } = shape
    const job = batchJobOf({ name: jobName('run-1', ['c0', 'c1', 'c2']), root: '/scratch/run-1/jobs', groups: calls.map((c) => [c]), shape: noNodes, parallel: 1, array: true })
    golden(`${sys.name}-array.sh`, sys.render(job))
  })
}

test('the walltime comes from the timeouts: the longest one times the rounds, plus the grace; an explicit one wins', () => {
  assert.is(budgetMs(calls, 2), 180_000)
  const job = (s = {}) => batchJobOf({ name: 'dfx', root: '/r', groups: [calls], shape: s, parallel: 2, array: false })
  assert.is(job().resources?.walltimeSeconds, 240)
  assert.is(job(jobShape({ options: [{ walltime: 3600 }] })).resources?.walltimeSeconds, 3600)
  assert.is(batchJobOf({ name: 'dfx', root: '/r', groups: [[{ dir: '/a', files: '/a/f', command: 'true' }]], parallel: 1, array: false }).resources, undefined)
})

test('job names: deterministic, valid for every scheduler, at most 15 characters, distinct for other calls', () => {
  const a = jobName('run-1', ['x'])
  assert.is(a, jobName('run-1', ['x']))
  assert.match(a, /^df[0-9a-f]{13}$/)
  assert.is.not(a, jobName('run-2', ['x']))
  assert.is.not(a, jobName('run-1', ['x', 'y']))
})

test('DPDispatcher dicts: the reference example maps (group_size, para_deg, custom_flags, envs, prepend/append, modules)', () => {
  const c = fromDpdispatcher(
    { batch_type: 'Slurm', context_type: 'LazyLocalContext', local_root: './', remote_root: '/scratch/run/work', retry_count: 1 },
    { number_node: 1, cpu_per_node: 1, queue_name: 'debug', group_size: 2, custom_flags: ['#SBATCH --time=00:10:00'], envs: { OMP_NUM_THREADS: 1 },
      prepend_script: ['echo prepend'], append_script: ['echo append'], para_deg: 2, source_list: ['/opt/env.sh'], module_list: ['vasp/6'], module_purge: true,
      strategy: { if_cuda_multi_devices: false } },
  )
  assert.equal(c, {
    system: 'slurm', arrays: false, context: { type: 'local' }, localRoot: './', remoteRoot: '/scratch/run/work', retryCount: 1, callsPerJob: 2, parallelInJob: 2,
    shape: {
      resources: { cpus: 1 }, queue: 'debug', nodes: 1, header: ['#SBATCH --time=00:10:00'], modules: ['vasp/6'], env: { OMP_NUM_THREADS: '1' },
      pre: 'module purge\nsource /opt/env.sh\necho prepend', post: 'echo append',
    },
  })
  const ssh = fromDpdispatcher({ batch_type: 'SlurmJobArray', context_type: 'SSHContext', remote_root: '/home/u/w', remote_profile: { hostname: 'login01', username: 'alice', port: 2222, key_filename: '/k' } }, { group_size: 0, gpu_per_node: 2, wait_time: 0.5 })
  assert.equal([ssh.system, ssh.arrays, ssh.context, ssh.callsPerJob, ssh.submitsPerSecond, ssh.shape.resources], ['slurm', true, { type: 'ssh', host: 'login01', user: 'alice', port: 2222, keyFile: '/k' }, Infinity, 2, { gpus: 2 }])
})

test('DPDispatcher dicts: every key not taken is an error naming it', () => {
  assert.equal(
    errorPaths(() => fromDpdispatcher(
      { batch_type: 'Torque', context_type: 'SSHContext', colour: 'red', remote_profile: { hostname: 'h', username: 'u', password: 'secret', proxy_command: 'ssh -W', look_for_keys: true, wat: 1 } },
      { group_size: 1, cpu_per_node: 0, strategy: { ratio_unfinished: 0.1 }, kwargs: { pe_name: 'mpi' }, envs: { A: ['x', 'y'] }, gpus: 1 },
    )),
    [
      'machine.colour', 'machine.batch_type', 'machine.remote_profile.password', 'machine.remote_profile.proxy_command', 'machine.remote_profile.wat',
      'resources.gpus', 'resources.strategy.ratio_unfinished', 'resources.kwargs.pe_name', 'resources.envs.A', 'resources.cpu_per_node',
    ],
  )
  assert.equal(errorPaths(() => fromDpdispatcher({ batch_type: 'Shell' }, {})), ['resources.group_size'])
})

test('verdicts to phases: node failure and preemption are transient errors; timeout and OOM are failures; cancel is an error', () => {
  assert.equal(
    (['succeeded', 'failed', 'timeout', 'out-of-memory', 'cancelled', 'node-fail', 'preempted', 'unknown'] as const).map((v) => [v, phaseOfVerdict(v)]),
    [
      ['succeeded', { phase: 'Succeeded', transient: false }], ['failed', { phase: 'Failed', transient: false }], ['timeout', { phase: 'Failed', transient: false }],
      ['out-of-memory', { phase: 'Failed', transient: false }], ['cancelled', { phase: 'Error', transient: false }], ['node-fail', { phase: 'Error', transient: true }],
      ['preempted', { phase: 'Error', transient: true }], ['unknown', { phase: 'Error', transient: false }],
    ],
  )
  const job = (verdict: 'out-of-memory' | 'timeout', raw: string) => ({ name: 'dfx', id: '4', state: { verdict, raw }, reattached: false })
  // a call killed by the scheduler (status 137) is the scheduler's verdict, with the signal kept
  assert.equal(
    [callOutcome({ exitCode: 137 }, job('out-of-memory', 'OUT_OF_MEMORY'))].map((o) => [o.phase, o.verdict, o.exitCode, o.signal]),
    [['Failed', 'out-of-memory', 137, 9]],
  )
  assert.equal([callOutcome({}, job('timeout', 'TIMEOUT'))].map((o) => [o.phase, o.verdict, o.timedOut]), [['Failed', 'timeout', true]])
  // a call that finished before its job was killed keeps its own result
  assert.equal(callOutcome({ exitCode: 0 }, job('timeout', 'TIMEOUT')).phase, 'Succeeded')
})

test('the poll interval backs off from the initial wait to the maximum', () => {
  const seq = [DEFAULT_POLL.initialMs]
  while (seq.length < 14) seq.push(nextInterval(seq.at(-1)!, DEFAULT_POLL))
  assert.equal(seq.slice(0, 4), [500, 750, 1125, 1687.5])
  assert.is(seq.at(-1), DEFAULT_POLL.maxMs)
})

test('a poll that saw jobs move does not back off: the next waits as long as this one (only quiet polls grow the wait)', () => {
  assert.is(nextInterval(750, DEFAULT_POLL, true), 750)
  assert.is(nextInterval(750, DEFAULT_POLL, false), 1125)
  assert.is(nextInterval(100, DEFAULT_POLL, true), DEFAULT_POLL.initialMs, 'never below the initial wait')
})

test('batch parsers: Slurm array elements (squeue -r, scontrol), SGE array tasks (running and a pending range), names, array limits', () => {
  const sq = slurm.parseStatus(out('64_0|COMPLETED|None\n64_1|RUNNING|None\n64_[2-5]|PENDING|None\n'), ['64_0', '64_1', '64_2'])
  assert.equal([...sq].map(([id, s]) => [id, s.verdict]), [['64_0', 'succeeded'], ['64_1', 'running']])
  const sc = slurm.fallbacks[1]!.parse(out('JobId=65 ArrayJobId=64 ArrayTaskId=0 JobName=a JobState=COMPLETED Reason=None ExitCode=0:0\nJobId=70 JobName=b JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\n'), ['64_0', '70'])
  assert.equal([...sc].map(([id, s]) => [id, s.verdict, s.exitCode]), [['64_0', 'succeeded', 0], ['70', 'failed', 3]])
  const xml = '<job_info><queue_info><job_list state="running"><JB_job_number>49</JB_job_number><JB_name>arr1</JB_name><state>r</state><tasks>1</tasks></job_list></queue_info>'
    + '<job_info><job_list state="pending"><JB_job_number>49</JB_job_number><JB_name>arr1</JB_name><state>qw</state><tasks>2-6:2</tasks></job_list></job_info></job_info>'
  assert.equal([...sge.parseStatus(out(xml), ['49.1', '49.2', '49.4', '49.6', '49.3'])].map(([id, s]) => [id, s.verdict]), [['49.1', 'running'], ['49.2', 'pending'], ['49.4', 'pending'], ['49.6', 'pending']])
  assert.equal([...sge.byName!.parse(out(xml), ['arr1', 'other'])], [['arr1', '49']])
  assert.equal([...namesToIds('64|a\n64|a\n70|b\n', ['a', 'b'])], [['a', '64'], ['b', '70']])
  assert.is(slurm.array!.limit.parse(out('MaxArraySize            = 1001\nMaxJobCount = 10000\n')), 1001)
  assert.is(sge.array!.limit.parse(out('max_aj_instances             2000\nmax_aj_tasks                 75000\n')), 75000)
  assert.equal([slurm.array!.elementId('64', 3), sge.array!.elementId('49', 3)], ['64_3', '49.4'])
  assert.equal(slurm.byName!.command(['a', 'b']).argv, ['squeue', '--me', '-h', '-t', 'all', '--name=a,b', '-o', '%F|%j'])
  assert.equal(sge.byName!.command(['a']).argv, ['qstat', '-xml'], "SGE's default: this user's jobs")
})

test.run()
