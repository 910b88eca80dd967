/**
 * The `dflow server` line of `npm run bench` (issue 15): a 1,000-node fan-out (the scale bench's `fan`: a
 * forEach of 1,000 `inc` calls) submitted with dflow's `argo()` client (the real @kubernetes/client-node) to
 * `dflow server` on loopback — its real runner: the Workflow compiled by the client, imported by the server,
 * run on the local interpreter — and followed by a watch to its end, beside the same workflow value through
 * `local()` in the same process, and beside `local()` of what the server runs (the value compiled to Argo
 * YAML and imported back: the server's own share), alternating the order, the same parallelism all. Printed: the wall
 * times (submit to the watch's Succeeded; `local().run` to its end) and their ratio (target ≤ 1.25x), the
 * submit-to-first-node-Running time, and the watch's lag: for each node change the runner reported, the time
 * until the first watch event that shows it (target: every one within 1 s; the server writes at most one
 * status per tick: 100 ms, longer when a write of a big status costs more than a tenth of it), with the number of events and status writes. A one-node fan-out is submitted first
 * and not timed (the client library's load and the server's first schema compile: printed apart). BENCH_SERVER_N
 * sets the fan-out's size (default 1,000; 100 quick).
 *
 * @example
 * ```sh
 * BENCH_RUNNERS=server npm run bench
 * node --conditions=source --import tsx bench/server.ts   # alone
 * ```
 */
import { writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { argo, compile, importWorkflow, startServer, type Runner } from '../lib/argo/index.ts'
import { engineRunner } from '../lib/cli/server-runner.ts'
import { local } from '../lib/local/index.ts'
import { median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropLater, freshDir } from './lib/temp.ts'
import { scaleShapes } from './scale-workloads.ts'

/** One run through the server: its wall time, submit to first Running node, and the watch's lags (ms). */
interface ServerRun {
  readonly ms: number
  readonly firstRunningMs: number
  /** The one-node warm-up's submit to Succeeded, the process's first submission (client load, schema compile). */
  readonly warmMs: number
  readonly lags: readonly number[]
  readonly events: number
  readonly writes: number
}

const kubeconfigOf = (url: string) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster: { server: '${url}', insecure-skip-tls-verify: true }\nusers:\n- name: b\n  user: {}\ncontexts:\n- name: b\n  context: { cluster: b, user: b, namespace: bench }\ncurrent-context: b\n`

/** Submits the fan-out to a fresh `dflow server` and follows it with a watch to its end. */
const throughServer = async (dir: string, n: number, parallelism: number): Promise<ServerRun> => {
  const changedAt = new Map<string, number>() // node name|phase → when the runner reported it
  const inner = engineRunner({ runsDir: join(dir, 'server-runs'), stateDir: join(dir, 'state'), parallelism })
  const runner: Runner = (wf, control) =>
    inner(wf, {
      ...control,
      node: (r) => {
        if (r.phase && !changedAt.has(`${r.name}|${r.phase}`)) changedAt.set(`${r.name}|${r.phase}`, performance.now())
        control.node(r)
      },
    })
  const server = await startServer({ runner })
  try {
    const kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, kubeconfigOf(server.url))
    // a one-node fan-out first: the client library's load and the server's first schema compile are once per process, not the run's
    const w0 = performance.now()
    const warm = await (await argo({ kubeconfig }).submit(scaleShapes.fan(1).wf)).wait()
    if (warm.status !== 'Succeeded') throw new Error(`the warm-up through dflow server ended ${warm.status}`)
    const warmMs = performance.now() - w0
    changedAt.clear()
    const writes0 = server.controller.writes()
    const seen = new Map<string, number>()
    let events = 0
    let firstRunning = NaN
    const t0 = performance.now()
    const run = await argo({ kubeconfig }).submit(scaleShapes.fan(n).wf)
    let status = ''
    for await (const r of run.watch()) {
      const now = performance.now()
      events++
      const nodes = Object.values(((r.workflow['status'] as { nodes?: Record<string, { name: string; phase?: string; type?: string }> } | undefined)?.nodes ?? {}))
      for (const node of nodes) {
        const k = `${node.name}|${node.phase}`
        if (!seen.has(k)) seen.set(k, now)
        if (Number.isNaN(firstRunning) && node.type === 'Pod' && node.phase === 'Running') firstRunning = now - t0
      }
      status = r.status
      if (status !== 'Running' && status !== 'Pending') break
    }
    const ms = performance.now() - t0
    if (status !== 'Succeeded') throw new Error(`the fan-out through dflow server ended ${status}`)
    // a change the watch never showed (a node Running then Succeeded within one tick) is not a delivery: only those shown count
    const lags = [...changedAt].flatMap(([k, at]) => (seen.has(k) ? [Math.max(0, seen.get(k)! - at)] : []))
    return { ms, firstRunningMs: firstRunning, warmMs, lags, events, writes: server.controller.writes() - writes0 }
  } finally {
    await server.close()
  }
}

/** The fan-out through `local()`: the workflow value, or (`imported`) what the server runs of it — compiled to Argo YAML and imported back. */
const throughLocal = async (dir: string, n: number, parallelism: number, imported: boolean): Promise<number> => {
  const t0 = performance.now()
  const wf = scaleShapes.fan(n).wf
  const run = await local({ runsDir: join(dir, 'local-runs'), parallelism }).run(imported ? importWorkflow(compile(wf)).workflow : wf)
  if (run.status !== 'Succeeded') throw new Error(`the fan-out through local() ended ${run.status}`)
  return performance.now() - t0
}

const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}

/**
 * Runs the fan-out through `dflow server` and through `local()`, `reps` times each, and prints the figures
 * and the verdicts.
 *
 * @example
 * ```ts
 * await serverBench(root, 2, false)
 * ```
 */
export const serverBench = async (root: string, reps: number, quick: boolean): Promise<void> => {
  const n = Number(process.env.BENCH_SERVER_N ?? '') || (quick ? 100 : 1000)
  const parallelism = availableParallelism()
  console.log(`\ndflow server: a ${n}-node fan-out submitted with the argo client and watched, beside local() in this process; parallelism ${parallelism} both; ${reps} repetition(s); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  const server: ServerRun[] = []
  const locals: number[] = []
  const importedLocals: number[] = []
  const later = dropLater() // removed when the section ends: see dropLater
  for (let rep = 0; rep < reps; rep++)
    for (const which of rep % 2 ? ['server', 'imported', 'local'] : ['local', 'imported', 'server']) {
      const dir = later.add(freshDir(root, 'server'))
      if (which === 'local') locals.push(await throughLocal(dir, n, parallelism, false))
      else if (which === 'imported') importedLocals.push(await throughLocal(dir, n, parallelism, true))
      else server.push(await throughServer(dir, n, parallelism))
    }
  later.dropAll()
  const lags = server.flatMap((r) => r.lags)
  const wall = median(server.map((r) => r.ms))
  const base = median(locals)
  const imported = median(importedLocals)
  const rows = [
    ['runner', 'wall ms (each)', 'median', 'ms per node', 'x local()', 'x local() of the import'],
    ['local() of the workflow value', locals.map((m) => fmt(m, 0)).join(' '), fmt(base, 0), fmt(base / n, 2), '1.00', fmt(base / imported, 2)],
    ['local() of its Argo YAML, imported', importedLocals.map((m) => fmt(m, 0)).join(' '), fmt(imported, 0), fmt(imported / n, 2), fmt(imported / base, 2), '1.00'],
    ['dflow server (client, watch)', server.map((r) => fmt(r.ms, 0)).join(' '), fmt(wall, 0), fmt(wall / n, 2), fmt(wall / base, 2), fmt(wall / imported, 2)],
  ]
  console.log(table(rows))
  console.log(`submit to the first node Running: ${server.map((r) => `${fmt(r.firstRunningMs, 0)} ms`).join(', ')} (after a one-node warm-up, the process's first submission: ${server.map((r) => `${fmt(r.warmMs, 0)} ms`).join(', ')} to its end)`)
  console.log(`watch: ${server.map((r) => `${r.events} events for ${r.writes} status writes`).join('; ')}; lag from a node change to the event that shows it (${lags.length} changes): median ${fmt(median(lags), 0)} ms, p99 ${fmt(pct(lags, 99), 0)} ms, max ${fmt(Math.max(...lags), 0)} ms`)
  console.log(`target: dflow server within 1.25x local()'s wall time (${fmt(wall / base, 2)}x): ${wall <= 1.25 * base ? 'MET' : 'NOT MET'}`)
  console.log(`  (the server's own share: within 1.25x local() of the same imported workflow (${fmt(wall / imported, 2)}x): ${wall <= 1.25 * imported ? 'MET' : 'NOT MET'}; the rest is the imported steps' leaf runner, the argo-yaml line)`)
  console.log(`target: every watch event within 1 s of the change (max ${fmt(Math.max(...lags), 0)} ms): ${Math.max(...lags) <= 1000 ? 'MET' : 'NOT MET'}`)
  console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { benchRoot } = await import('./lib/temp.ts')
  await serverBench(benchRoot(), Number(process.env.BENCH_REPS ?? 1) || 1, process.env.BENCH_QUICK === '1')
}
