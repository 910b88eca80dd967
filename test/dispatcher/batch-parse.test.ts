/**
 * The batch systems' parsers on recorded outputs (test/fixtures/batch): Slurm's squeue, scontrol and the SGE
 * qstat -xml were captured from the real daemons of scripts/services.sh; sacct (accounting is off here), PBS
 * qstat -x -f and LSF bjobs -o are in their documented formats, odd cases included (wrapped attribute lines,
 * Torque's `C`/`exit_status`, PBS's own negative exit statuses, LSF TERM_* reasons, unknown ids on stderr).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { lsf, pbs, queryJobs, settle, sge, shell, slurm, type BatchSystem, type Command, type CommandResult, type Verdict } from '../../lib/dispatcher/batch/index.ts'

const test = suite('dispatcher/batch: parsers')
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/batch/${name}`, import.meta.url)), 'utf8')
const out = (stdout: string, exitCode = 0, stderr = ''): CommandResult => ({ exitCode, stdout, stderr })
const verdicts = (m: ReadonlyMap<string, { verdict: Verdict }>) => Object.fromEntries([...m].map(([id, s]) => [id, s.verdict]).sort())

test('slurm: sbatch --parsable ids (with a cluster suffix, an array task), and refusals as errors', () => {
  assert.equal(slurm.parseSubmit(out('42\n')), { id: '42' })
  assert.equal(slurm.parseSubmit(out('43;testcluster\n')), { id: '43' })
  assert.equal(slurm.parseSubmit(out('', 1, 'sbatch: error: Batch job submission failed: More processors requested than permitted\n')), {
    error: 'exit 1: sbatch: error: Batch job submission failed: More processors requested than permitted',
  })
  assert.equal(slurm.parseSubmit(out('Submitted batch job 44\n')), { error: 'exit 0: Submitted batch job 44' }, 'without --parsable the line is not an id')
})

test('slurm: one squeue for all ids, real output mapped; ids it does not print are absent', () => {
  assert.equal(slurm.status(['4', '5', '6']).argv, ['squeue', '-h', '-r', '-t', 'all', '-j', '4,5,6', '-o', '%i|%T|%r'])
  const m = slurm.parseStatus(out(fixture('slurm-squeue.txt')), ['4', '5', '6', '7', '8', '99'])
  assert.equal(verdicts(m), { 4: 'succeeded', 5: 'failed', 6: 'cancelled', 7: 'running', 8: 'pending' })
  assert.is(m.get('8')?.reason, 'JobHeldUser')
  assert.is(m.get('5')?.reason, 'NonZeroExitCode')
  assert.equal(slurm.parseStatus(out('', 1, 'slurm_load_jobs error: Invalid job id specified\n'), ['99']).size, 0)
})

test('slurm: sacct states (CANCELLED by UID, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED) and their exit codes', () => {
  const [sacct, scontrol] = slurm.fallbacks
  assert.equal(sacct!.command(['5', '6']).argv, ['sacct', '-n', '-P', '-X', '-j', '5,6', '-o', 'JobIDRaw,State,ExitCode'])
  const m = sacct!.parse(out(fixture('slurm-sacct.txt')), ['5', '6', '9', '10', '11', '12', '13'])
  assert.equal(verdicts(m), { 5: 'failed', 6: 'cancelled', 9: 'timeout', 10: 'out-of-memory', 11: 'node-fail', 12: 'preempted', 13: 'succeeded' })
  assert.is(m.get('5')?.exitCode, 3)
  assert.is(m.get('6')?.exitCode, undefined, 'killed by a signal (0:15): no exit code')
  assert.equal(sacct!.parse(out('', 1, 'Slurm accounting storage is disabled\n'), ['5']).size, 0)
  const s = scontrol!.parse(out(fixture('slurm-scontrol.txt')), ['1', '2', '7', '8'])
  assert.equal(verdicts(s), { 1: 'failed', 2: 'cancelled', 7: 'running', 8: 'pending' })
  assert.equal([s.get('1')?.exitCode, s.get('1')?.reason, s.get('8')?.reason], [3, 'NonZeroExitCode', 'JobHeldUser'])
})

test('sge: qsub -terse ids; qstat -xml (real) running, held and pending jobs; finished jobs are absent', () => {
  assert.equal(sge.parseSubmit(out('17\n')), { id: '17' })
  assert.equal(sge.parseSubmit(out('18.1-3:1\n')), { id: '18' })
  assert.ok('error' in sge.parseSubmit(out('', 1, 'Unable to run job: warning: root your job is not allowed to run in any queue\n')))
  const m = sge.parseStatus(out(fixture('sge-qstat.xml')), ['4', '5', '3'])
  assert.equal(verdicts(m), { 4: 'running', 5: 'pending' })
  assert.equal([m.get('4')?.raw, m.get('5')?.raw], ['r', 'hqw'])
  const states = ['qw', 'hqw', 'Eqw', 'dr', 'r', 't', 'Rr', 's', 'zz']
  const xml = states.map((s, i) => `<job_list state="x"><JB_job_number>${i + 1}</JB_job_number><state>${s}</state></job_list>`).join('\n')
  assert.equal(Object.values(verdicts(sge.parseStatus(out(xml), states.map((_, i) => String(i + 1))))), ['pending', 'pending', 'failed', 'cancelled', 'running', 'running', 'running', 'running', 'unknown'])
})

test('pbs: qsub ids with the server (and array ids); qstat -x -f blocks, wrapped lines, exit statuses, Torque', () => {
  assert.equal(pbs.parseSubmit(out('1234.pbs01\n')), { id: '1234.pbs01' })
  assert.equal(pbs.parseSubmit(out('1235[].pbs01\n')), { id: '1235[].pbs01' })
  assert.ok('error' in pbs.parseSubmit(out('', 38, 'qsub: Unknown queue\n')))
  const ids = Array.from({ length: 10 }, (_, i) => `${1001 + i}.${i === 8 ? 'torque01' : 'pbs01'}`).concat('1099.pbs01')
  assert.equal(pbs.status(['1001.pbs01', '1002.pbs01']).argv, ['qstat', '-x', '-f', '1001.pbs01', '1002.pbs01'])
  const m = pbs.parseStatus(out(fixture('pbs-qstat-xf.txt'), 153, fixture('pbs-qstat.stderr')), ids)
  assert.equal(
    ids.map((id) => m.get(id)?.verdict),
    ['running', 'pending', 'succeeded', 'failed', 'timeout', 'out-of-memory', 'failed', 'pending', 'succeeded', 'running', undefined],
  )
  assert.equal([m.get('1004.pbs01')?.exitCode, m.get('1005.pbs01')?.reason, m.get('1007.pbs01')?.reason], [3, 'JOB_EXEC -29', 'signal 15'])
})

test('lsf: bsub ids; bjobs -o rows mapped through states and TERM_* reasons; unknown ids are absent', () => {
  assert.equal(lsf.parseSubmit(out('Job <123> is submitted to queue <normal>.\n')), { id: '123' })
  assert.equal(lsf.parseSubmit(out('Job <124> is submitted to default queue <normal>.\n')), { id: '124' })
  assert.ok('error' in lsf.parseSubmit(out('', 255, 'normal: No such queue. Job not submitted.\n')))
  assert.equal(lsf.submit('/w/a/a.sh', { name: 'a', command: 'true', workDir: '/w/a' }).argv, ['sh', '-c', 'exec bsub < "$0"', '/w/a/a.sh'])
  const ids = Array.from({ length: 13 }, (_, i) => String(2001 + i)).concat('2099')
  const m = lsf.parseStatus(out(fixture('lsf-bjobs.txt'), 255, fixture('lsf-bjobs.stderr')), ids)
  assert.equal(ids.map((id) => m.get(id)?.verdict), [
    'running', 'pending', 'succeeded', 'failed', 'timeout', 'out-of-memory', 'cancelled', 'preempted', 'pending', 'running', 'unknown', 'unknown', 'node-fail', undefined,
  ])
  assert.equal([m.get('2003')?.exitCode, m.get('2004')?.exitCode], [0, 3])
})

test('shell: a live session leader is running; a zombie, a vanished or a reused pid is absent', () => {
  const m = shell.parseStatus(out('41|S|41\n42|gone\n43|Z|43\n44|R|7\n45|D|45\n'), ['41', '42', '43', '44', '45'])
  assert.equal(verdicts(m), { 41: 'running', 45: 'running' })
  assert.equal(shell.cancel(['41']).argv, ['kill', '-TERM', '--', '-41'])
})

test('queryJobs: one status query, then each fallback once for the ids still missing', async () => {
  const calls: Command[] = []
  const answers: Record<string, CommandResult> = {
    squeue: out('4|COMPLETED|None\n'),
    sacct: out('5|TIMEOUT|0:0\n'),
    scontrol: out(fixture('slurm-scontrol.txt')),
  }
  const exec = async (c: Command) => (calls.push(c), answers[c.argv[0]!] ?? out('', 127, 'no such command'))
  const m = await queryJobs(slurm, exec, ['4', '5', '6', '77'])
  assert.equal(verdicts(m), { 4: 'succeeded', 5: 'timeout', 6: 'cancelled' })
  assert.equal(calls.map((c) => c.argv.join(' ')), ['squeue -h -r -t all -j 4,5,6,77 -o %i|%T|%r', 'sacct -n -P -X -j 5,6,77 -o JobIDRaw,State,ExitCode', 'scontrol -o show job'])
  calls.length = 0
  await queryJobs(sge as BatchSystem, exec, ['1', '2', '3'])
  assert.is(calls.length, 1, 'SGE: one qstat for three jobs')
})

test('settle: the exit-code file decides a forgotten or plainly finished job; a scheduler kill stands', () => {
  assert.equal(settle(undefined, 0), { verdict: 'succeeded', raw: 'exit-file', exitCode: 0 })
  assert.equal(settle(undefined, 4).verdict, 'failed')
  assert.equal(settle(undefined, undefined), { verdict: 'unknown', raw: 'gone' })
  assert.equal(settle({ verdict: 'failed', raw: 'FAILED', reason: 'NonZeroExitCode' }, 3), { verdict: 'failed', raw: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3 })
  assert.equal(settle({ verdict: 'timeout', raw: 'TIMEOUT' }, 143), { verdict: 'timeout', raw: 'TIMEOUT', exitCode: 143 })
  assert.equal(settle({ verdict: 'pending', raw: 'qw' }, undefined).verdict, 'pending')
})

test.run()
