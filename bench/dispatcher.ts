/**
 * The dispatcher lines of `npm run bench` (issue 12), on the real single-node Slurm of scripts/services.sh
 * (16 fake CPUs, so up to 16 jobs at once), started here when it is not up and stopped again after:
 *
 * - a 200-wide fan-out of `true` end to end (`dispatcher().run(wf)`, and the job queue alone) beside the floor — a bare `sbatch` loop in bash, then `squeue`
 *   polled at the dispatcher's initial interval until every job is done — alternating which goes first;
 *   target: the dispatcher at least 90% of the floor's throughput;
 * - politeness: 1,000 submitted held jobs (one array), watched for a minute, with slurmctld's own RPC counters (`sdiag`,
 *   job-information requests) beside the queue's count of polls; target one status query per poll whatever
 *   the job count (a per-job poller would make 1,000);
 * - 1,000 `true` calls at 50 per job: 20 jobs, and the time they take.
 *
 * Needs root (it starts Slurm); prints one line saying so and measures nothing otherwise. BENCH_QUICK=1: one
 * repetition and 15 s of watching the held jobs.
 *
 * @example
 * ```sh
 * node --conditions=source --import tsx bench/dispatcher.ts   # alone; npm run bench runs it too
 * ```
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forEach, param, sh, shell, step, t, workflow } from 'dflow-ts'
import { dispatcher } from '../lib/dispatcher/index.ts'
import { localExec, slurm } from '../lib/dispatcher/batch/index.ts'
import { DEFAULT_POLL, jobQueue, type JobOutcome, type JobQueueOptions, type JobSpec } from '../lib/dispatcher/jobs/index.ts'
import { median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { benchRoot } from './lib/temp.ts'
import { overall } from './lib/verdict.ts'

const services = fileURLToPath(new URL('../scripts/services.sh', import.meta.url))
const WIDE = 200
const HELD = 1000
const CALLS = 1000
const PER_JOB = 50

/** slurmctld's count of job-information RPCs (squeue, scontrol show job) since it started, all clients together. */
const jobInfoRpcs = (): number => {
  const out = execFileSync('sdiag', { encoding: 'utf8' })
  return [...out.matchAll(/^\s*REQUEST_JOB_INFO(?:_SINGLE)?\s+\(\s*\d+\)\s+count:(\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0)
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now()
  const r = await f()
  return [r, performance.now() - t0]
}

/** The floor: a bash loop of `sbatch`, then one `squeue` every `pollMs` until all jobs are done; ms from the first sbatch. */
const floor = (dir: string, n: number, pollMs: number): number => {
  mkdirSync(dir, { recursive: true })
  const script = join(dir, 'floor.sh')
  writeFileSync(
    script,
    `set -e
ids=
for i in $(seq 1 ${n}); do ids="$ids,$(sbatch --parsable -J dflow-floor -o ${dir}/%j.out --wrap true)"; done
ids=\${ids#,}
while :; do
  left=$(squeue -h -t all -j "$ids" -o %T | grep -cvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)$' || true)
  [ "$left" = 0 ] && break
  sleep ${pollMs / 1000}
done
`,
  )
  const t0 = performance.now()
  const r = spawnSync('bash', [script], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`the floor's sbatch loop failed: ${r.stderr.trim().slice(-500)}`)
  return performance.now() - t0
}

const specs = (dir: string, runId: string, n: number, command = 'true'): JobSpec[] =>
  Array.from({ length: n }, (_, i) => ({ runId, callId: `c${i}`, command, workDir: join(dir, 'calls', `c${i}`) }))

const queueOptions = (dir: string, more: Partial<JobQueueOptions> = {}): JobQueueOptions => ({
  system: slurm, exec: localExec, root: join(dir, 'jobs'), journal: join(dir, 'jobs.jsonl'), ...more,
})

const allSucceeded = (outs: readonly JobOutcome[], what: string): void => {
  const bad = outs.find((o) => o.phase !== 'Succeeded')
  if (bad) throw new Error(`${what}: a call ended ${bad.phase}: ${bad.message ?? bad.stderrTail}`)
}

/** A fan-out of `n` `true` calls through the job queue with its defaults (an array where Slurm has them); ms. */
const dispatched = async (dir: string, n: number): Promise<number> => {
  const q = jobQueue(queueOptions(dir))
  const [outs, ms] = await timed(() => Promise.all(specs(dir, `bench-${Date.now()}`, n).map((s) => q.submit(s))))
  allSucceeded(outs, 'the 200-wide fan-out')
  return ms
}

const noop = shell({ name: 'noop', inputs: { i: param(t.number) }, script: () => sh`true` })
/** The 200-wide fan-out as a workflow: one forEach of a `true` step. */
const fanOut = workflow('fan-out-200', forEach(Array.from({ length: WIDE }, (_, i) => i), (i) => step('noop', noop, { i })))

/** The fan-out end to end through the dispatcher interpreter with its defaults (validate, engine, run folder, records); ms. */
const interpreted = async (dir: string): Promise<number> => {
  const [run, ms] = await timed(() => dispatcher({ batch: 'slurm', runsDir: dir }).run(fanOut))
  if (run.status !== 'Succeeded') throw new Error(`the fan-out through dispatcher().run ended ${run.status}: ${run.message ?? ''}`)
  return ms
}

/** Runs the dispatcher bench; answers whether every target was met (undefined: not run). */
export const dispatcherBench = async (root: string, quick: boolean): Promise<boolean | undefined> => {
  console.log('\nDispatcher on the real Slurm (scripts/services.sh, 16 fake CPUs)')
  if (process.getuid?.() !== 0) {
    console.log('  skipped: not root (the dispatcher bench starts a real Slurm through scripts/services.sh, which needs root)')
    return undefined
  }
  const wasUp = spawnSync('bash', [services, 'status', 'slurm']).status === 0
  if (!wasUp) {
    const r = spawnSync('bash', [services, 'start', 'slurm'], { encoding: 'utf8' })
    if (r.status !== 0) {
      console.log(`  not measured: scripts/services.sh start slurm failed: ${r.stderr.trim().split('\n').slice(-3).join('; ')}`)
      return undefined
    }
  }
  const dir = join(root, 'dispatcher')
  try {
    const cpus = execFileSync('sinfo', ['-h', '-o', '%c'], { encoding: 'utf8' }).trim().split('\n')[0]
    console.log(`  Slurm ${wasUp ? 'was already up' : 'started for the bench'}; node CPUs: ${cpus}; dispatcher poll: first ${DEFAULT_POLL.initialMs} ms, x${DEFAULT_POLL.factor}, at most ${DEFAULT_POLL.maxMs} ms`)
    const reps = quick ? 1 : 3
    const floorMs: number[] = []
    const queueMs: number[] = []
    const ourMs: number[] = []
    for (let rep = 0; rep < reps; rep++) {
      const runs = [
        async () => floorMs.push(floor(join(dir, `floor-${rep}`), WIDE, DEFAULT_POLL.initialMs)),
        async () => ourMs.push(await interpreted(join(dir, `run-${rep}`))),
        async () => queueMs.push(await dispatched(join(dir, `fan-${rep}`), WIDE)),
      ]
      // rotate who goes first: machine noise hits all alike
      for (let k = 0; k < runs.length; k++) await runs[(k + rep) % runs.length]!()
    }
    const rate = (ms: readonly number[]) => WIDE / (median(ms) / 1000)
    const floorRate = rate(floorMs)
    const ourRate = rate(ourMs)
    const wideRatio = ourRate / floorRate

    // politeness: 1,000 held jobs watched for a minute
    const watchMs = quick ? 15_000 : 60_000
    const heldDir = join(dir, 'held')
    // one array of 1,000 held elements (one sbatch); the queue's status query names all 1,000 element ids
    const held = jobQueue(queueOptions(heldDir))
    const heldSpecs = specs(heldDir, `bench-held-${Date.now()}`, HELD).map((s) => ({ ...s, shape: { header: ['#SBATCH --hold'] } }))
    const heldOuts = Promise.all(heldSpecs.map((s) => held.submit(s)))
    const submitStart = performance.now()
    while (held.stats.submissions < 1) await new Promise((r) => setTimeout(r, 100))
    const submitMs = performance.now() - submitStart
    const rpcs0 = jobInfoRpcs()
    const polls0 = held.stats.statusQueries
    await new Promise((r) => setTimeout(r, watchMs))
    const rpcs = jobInfoRpcs() - rpcs0
    const polls = held.stats.statusQueries - polls0
    await held.stop()
    const stopped = await heldOuts
    const cancelled = stopped.filter((o) => o.verdict === 'cancelled').length
    const perPoll = polls > 0 ? rpcs / polls : Infinity

    // 1,000 calls at 50 per job
    const packDir = join(dir, 'packed')
    const packed = jobQueue(queueOptions(packDir, { callsPerJob: PER_JOB }))
    const [packOuts, packMs] = await timed(() => Promise.all(specs(packDir, `bench-packed-${Date.now()}`, CALLS).map((s) => packed.submit(s))))
    allSucceeded(packOuts, 'the 1,000 packed calls')
    const packJobs = new Set(packOuts.map((o) => o.job.id)).size

    console.log(
      table([
        ['case', 'what', 'figure'],
        [`${WIDE} x true, floor`, `bash sbatch loop + squeue every ${DEFAULT_POLL.initialMs} ms`, `${fmt(median(floorMs), 0)} ms, ${fmt(floorRate, 1)} jobs/s (runs: ${floorMs.map((m) => fmt(m, 0)).join(', ')})`],
        [`${WIDE} x true, dispatcher`, 'dispatcher().run(wf), defaults, end to end', `${fmt(median(ourMs), 0)} ms, ${fmt(ourRate, 1)} jobs/s (runs: ${ourMs.map((m) => fmt(m, 0)).join(', ')})`],
        [`${WIDE} x true, job queue`, 'jobQueue alone, defaults', `${fmt(median(queueMs), 0)} ms, ${fmt(rate(queueMs), 1)} jobs/s (runs: ${queueMs.map((m) => fmt(m, 0)).join(', ')})`],
        [`${HELD} held jobs`, 'submitted as one array', `${fmt(submitMs, 0)} ms, ${held.stats.submissions} sbatch`],
        [`${HELD} held jobs`, `watched ${watchMs / 1000} s: queue polls / sdiag job-info RPCs`, `${polls} / ${rpcs} (${fmt(perPoll, 2)} RPCs a poll; a per-job poller: ${HELD})`],
        [`${HELD} held jobs`, 'stop: one scancel', `${held.stats.cancels} cancel command(s), ${cancelled} calls cancelled`],
        [`${CALLS} calls, ${PER_JOB} a job`, 'jobs / sbatch / squeue polls', `${packJobs} / ${packed.stats.submissions} / ${packed.stats.statusQueries}`],
        [`${CALLS} calls, ${PER_JOB} a job`, 'wall time', `${fmt(packMs, 0)} ms, ${fmt(CALLS / (packMs / 1000), 1)} calls/s`],
      ]),
    )
    const outcomes: boolean[] = []
    const said = (ok: boolean) => (outcomes.push(ok), ok ? 'MET' : 'NOT MET')
    console.log('targets for the dispatcher:')
    console.log(`  ${WIDE}-wide fan-out through dispatcher().run >= 90% of the floor's throughput: ${fmt(wideRatio * 100, 0)}%: ${said(wideRatio >= 0.9)}`)
    // other clients of the same slurmctld (other test sessions) count in sdiag too: a little room for them
    console.log(`  one status query per poll for ${HELD} jobs: ${fmt(perPoll, 2)} sdiag RPCs a poll: ${said(polls > 0 && perPoll <= 1.5)}`)
    console.log(`  ${CALLS} calls at ${PER_JOB} a job in ${CALLS / PER_JOB} jobs: ${packJobs}: ${said(packJobs === CALLS / PER_JOB)}`)
    console.log(`  overall: ${overall(outcomes, [])}`)
    return outcomes.every((x) => x)
  } catch (e) {
    console.log(`  FAILED: ${(e as Error).message}`)
    return false
  } finally {
    rmSync(dir, { recursive: true, force: true })
    if (!wasUp) spawnSync('bash', [services, 'stop', 'slurm'])
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await dispatcherBench(benchRoot(), process.env['BENCH_QUICK'] === '1')
