/**
 * The restart lines of `npm run bench` (issue 13), in one run:
 *
 * - `restart()` in-process of a finished 10,000-step run (a fan-out of 10,000 calls): the time to learn that
 *   nothing is left — once as a run whose driver was killed after its last step's record but before its final
 *   state (every step is looked up, none runs), once as a run that says Succeeded (nothing to look up);
 *   target < 1 s;
 * - W1 (a chain of 100 and of 200 steps, real processes) with the real journal (`folderRunStore`: one write
 *   per record, final records group-committed) beside a no-op run store, alternating which goes first,
 *   BENCH_REPS repetitions each (default 5 here): target at most 5% slower per step (the marginal cost, as the
 *   local workloads measure W1; what a run pays once is printed apart).
 *
 * @example
 * ```sh
 * node --conditions=source --import tsx bench/restart.ts   # alone; npm run bench runs it too
 * ```
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { forEach, param, sh, shell, step, t, workflow } from '../dsl/index.ts'
import type { LeafExecutor } from '../lib/engine/executor.ts'
import { runParameters, runWorkflow } from '../lib/engine/run.ts'
import { driverIdentity } from '../lib/run/driver.ts'
import { folderRunStore } from '../lib/run/folder-run-store.ts'
import { runLayout } from '../lib/run/layout.ts'
import { EMPTY_IO } from '../lib/run/records.ts'
import { writeRestartRecord } from '../lib/run/restart-record.ts'
import type { RunStore } from '../lib/run/run-store.ts'
import { valueStore } from '../lib/run/value-store.ts'
import { localExecutor } from '../lib/local/executor.ts'
import { makeRunFolder } from '../lib/workdir/folders.ts'
import { local } from '../lib/local/index.ts'
import { sharedLauncher } from '../lib/local/launcher.ts'
import { restartRecordOf } from '../lib/local/restart.ts'
import { chainWorkflow } from './dflow-ts.ts'
import { median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { benchRoot, dropDir, freshDir } from './lib/temp.ts'
import { overall } from './lib/verdict.ts'

const echo = shell({ name: 'echo', inputs: { i: param(t.number) }, outputs: { o: param(t.number, { path: 'o.txt' }) }, script: ({ i }) => sh`echo ${i} > o.txt` })

/** A fan-out of n calls, each recorded Succeeded by an executor that runs nothing (the journal is real). */
export const finishedRun = async (root: string, n: number) => {
  const wf = workflow('bench-restart', forEach(Array.from({ length: n }, (_, i) => i), (i) => step('e', echo, { i })))
  const dir = freshDir(root, 'restart')
  makeRunFolder(runLayout(dir))
  writeRestartRecord(dir, restartRecordOf(wf, {}, undefined))
  const instant: LeafExecutor = {
    slots: 64,
    run: async (call, _signal, on) => {
      on({ type: 'started' })
      const wire = call.inputs.i?.kind === 'param' ? call.inputs.i.wire : '0'
      return { phase: 'Succeeded', outputs: { o: { kind: 'param', wire } }, record: { ...EMPTY_IO, parameters: { o: wire }, values: { o: Number(wire) } }, exitCode: 0 }
    },
  }
  const r = await runWorkflow(wf, { runId: 'bench-restart', params: runParameters(wf, {}), executor: instant, runs: folderRunStore(dir), baseDir: root, driver: driverIdentity() })
  if (r.workflow.status !== 'Succeeded') throw new Error(`the 10,000-step run ended ${r.workflow.status}`)
  return { wf, dir }
}

/** Makes a finished run read as one whose driver was killed after its last step's record, before its final state. */
export const killedAtTheEnd = (dir: string) => {
  const f = runLayout(dir).workflowFile
  const { finishedAt: _, ...rec } = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>
  writeFileSync(f, JSON.stringify({ ...rec, status: 'Running', pid: 2 ** 22 + 1, pidStartTime: '1' }))
}

const noStore: RunStore = {
  where: 'nowhere',
  saveWorkflow: (r) => r,
  append: () => {},
  load: async () => {
    throw new Error('a no-op run store keeps nothing')
  },
  close: () => {},
}

/** W1 (n steps) once on the engine with the local executor, its records going to `runs` (or a folder journal). */
export const w1 = async (root: string, n: number, journal: boolean): Promise<number> => {
  const wf = chainWorkflow(n)
  const dir = freshDir(root, journal ? 'w1-journal' : 'w1-none')
  const layout = runLayout(dir)
  makeRunFolder(layout)
  const executor = localExecutor({ layout, values: valueStore(dir), spawn: sharedLauncher.spawn, slots: 2, stage: 'symlink', baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, killGraceSeconds: 2, progressPollMs: 200, reuseWorkers: true })
  const t0 = performance.now()
  const r = await runWorkflow(wf, { runId: 'w1', params: {}, executor, runs: journal ? folderRunStore(dir) : noStore, baseDir: dir, driver: driverIdentity() })
  const ms = performance.now() - t0
  if (r.workflow.status !== 'Succeeded') throw new Error(`W1 ended ${r.workflow.status}`)
  dropDir(dir)
  return ms
}

/**
 * Runs the restart lines and prints them; returns whether every target was met.
 *
 * @example await restartBench(root, 5, false)
 */
export const restartBench = async (root: string, reps: number, quick: boolean): Promise<boolean | undefined> => {
  const n = quick ? 1000 : 10_000
  console.log(`\nRestart (issue 13): restart() in-process of a finished ${n.toLocaleString('en')}-step run; W1 with the journal beside a no-op run store (load average at the start: ${loadavg().map((x) => x.toFixed(1)).join(' ')})`)
  const { wf, dir } = await finishedRun(root, n)
  const killed: number[] = []
  const killedCpu: number[] = []
  const succeeded: number[] = []
  for (let i = 0; i < Math.max(3, Math.min(reps, 5)); i++) {
    killedAtTheEnd(dir)
    const c0 = process.cpuUsage()
    let t0 = performance.now()
    const run = await local({ runsDir: root }).restart(dir, { workflow: wf })
    killed.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    killedCpu.push((c.user + c.system) / 1000)
    if (run.status !== 'Succeeded' || run.steps({ type: 'Pod' }).length !== n) throw new Error(`the restart ended ${run.status}`)
    t0 = performance.now()
    await local({ runsDir: root }).restart(dir, { workflow: wf })
    succeeded.push(performance.now() - t0)
  }
  dropDir(dir)
  // W1 at two sizes, as the local workloads measure it: the marginal cost per step (t(big) - t(small)) / (big -
  // small) is what the journal adds per step; what a run pays once — workflow.json written and synced at its
  // start and end, the journal opened and synced at its close — cancels there, and is printed apart.
  const steps = quick ? 20 : 100
  const big = 2 * steps
  const withJournal: number[] = []
  const without: number[] = []
  const withJournalBig: number[] = []
  const withoutBig: number[] = []
  await w1(root, 5, true) // warm the launcher
  for (let i = 0; i < reps; i++) {
    const order = i % 2 === 0 ? [true, false] : [false, true]
    for (const j of order) (j ? withJournal : without).push(await w1(root, steps, j))
    for (const j of order) (j ? withJournalBig : withoutBig).push(await w1(root, big, j))
  }
  const restartMet = median(killed) < 1000
  const perStep = (small: readonly number[], large: readonly number[]) => (median(large) - median(small)) / (big - steps)
  const ratio = perStep(withJournal, withJournalBig) / perStep(without, withoutBig)
  const fixed = median(withJournal) - median(without) - steps * (perStep(withJournal, withJournalBig) - perStep(without, withoutBig))
  const journalMet = ratio <= 1.05
  const spread = (xs: readonly number[]) => `${fmt(Math.min(...xs), 0)}–${fmt(Math.max(...xs), 0)}`
  const every = (xs: readonly number[]) => xs.map((x) => fmt(x, 0)).join(' ')
  console.log(
    table([
      ['measure', 'median ms', 'range ms', 'target', 'verdict'],
      [`restart(), killed after its last record: ${n} steps looked up, none run`, fmt(median(killed), 0), spread(killed), '< 1000 ms', restartMet ? 'MET' : 'NOT MET'],
      ['  its CPU time (user + system: what the load does not inflate)', fmt(median(killedCpu), 0), spread(killedCpu), '', ''],
      ['restart() of a run that says Succeeded', fmt(median(succeeded), 0), spread(succeeded), '', ''],
      [`W1 (${steps} / ${big} steps) with the journal`, `${fmt(median(withJournal), 0)} / ${fmt(median(withJournalBig), 0)}`, `${spread(withJournal)} / ${spread(withJournalBig)}`, '', ''],
      [`W1 (${steps} / ${big} steps) with a no-op run store`, `${fmt(median(without), 0)} / ${fmt(median(withoutBig), 0)}`, `${spread(without)} / ${spread(withoutBig)}`, '', ''],
      [`journal / no-op, ms per step (${fmt(perStep(withJournal, withJournalBig), 2)} / ${fmt(perStep(without, withoutBig), 2)})`, fmt(ratio, 3), `${reps} reps each`, '<= 1.05', journalMet ? 'MET' : 'NOT MET'],
      ['  once per run with the journal (start and end records synced)', fmt(fixed, 0), '', '', ''],
    ]),
  )
  console.log(`  every run (ms): restart ${every(killed)}; its CPU ${every(killedCpu)}; W1 with the journal ${every(withJournal)} / ${every(withJournalBig)}; W1 no-op ${every(without)} / ${every(withoutBig)}`)
  console.log(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`)
  const all = overall([restartMet, journalMet], [])
  console.log(`  restart overall: ${all}`)
  return restartMet && journalMet
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.env.BENCH_QUICK === '1'
  await restartBench(benchRoot(), Number(process.env.BENCH_REPS ?? 5), quick)
  process.exit(0)
}
