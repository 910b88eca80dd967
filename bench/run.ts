/**
 * `npm run bench`: the performance check. Runs W1 (a chain), W2 (a fan-out + join) and W3 (layers of 4,
 * each step reading all 4 of the layer before) at two sizes each, and W4 (20 sleeps at parallelism 2 and
 * 20), with every runner, interleaved per repetition so machine noise hits all alike, and prints median
 * wall times, the marginal cost per step, ratios against make and snakemake, and whether dflow-ts meets
 * its targets (at most 5x make's marginal cost and below snakemake's on W1-W3; W4 within 10% of the
 * sleep bound).
 *
 * The same workloads run on the commit before the engine cut (a git worktree: `bench/baseline.ts`), side by side:
 * the target is within 10% of it.
 *
 * Then the fn workload (`fn-workload.ts`): a trivial function OP in a chain of 20 and a fan-out of 100;
 * then the slices bench (`slices.ts`): 10,000 slices with groupSize 100 beside a forEach and the floor;
 * and, when a dflow source tree is given, Python dflow's debug mode side by side (`dflow-py.ts`).
 * The peers' versions are printed first; a missing one is named with the command that installs it
 * (`bash scripts/bench-peers.sh`), and the overall line then says "not measured", not "not met".
 *
 * Then the scale lines (`scale.ts`): per-node cost of validate, compile and run at 1,000 and 10,000 nodes
 * for a dag and a nested fan-out, and the driver's memory per call of a fan-out beside a chain's (also
 * alone: `node --conditions=source --import tsx bench/scale.ts`).
 *
 * Then the cache lines (`cache.ts`): a cache hit per step beside a trivial step's cost, with and without a store.
 *
 * Then the artifact-store lines (`store.ts`): the S3 store beside lib-storage's `Upload`, a streamed
 * `GetObject`, `tar czf` and a raw `PutObject` loop, with s3rver in its own process.
 *
 * Then the dispatcher lines (`dispatcher.ts`, root only: it starts the real Slurm of scripts/services.sh when it
 * is not up): a 200-wide fan-out beside a bare sbatch loop, slurmctld's RPC counters for 1,000 held jobs, and
 * 1,000 calls at 50 a job.
 *
 * Then the Argo YAML lines (`argo-yaml.ts`): W1 and W2 written as Argo YAML and run with `dflow run FILE.yaml`,
 * beside the same workflows in the DSL through `dflow run FILE.ts`, marginal costs (target: within 10%).
 * Then the `dflow server` line (`server.ts`): a 1,000-node fan-out submitted with the argo client and watched,
 * beside `local()` (target: within 1.25x; every watch event within 1 s; submit to first node Running printed),
 * BENCH_SERVER_REPS repetitions (default 1: each takes minutes).
 *
 * Environment: BENCH_REPS (default 5), BENCH_QUICK=1 (one repetition, small sizes: a smoke test),
 * BENCH_RUNNERS (comma-separated subset of: make,snakemake,spawn,dflow-ts,baseline,fn,slices,dflow,scale,store,dispatcher,restart,cache,argo-yaml,server); BENCH_BASELINE (the commit the local workloads are compared with, default the one before the engine cut: bench/baseline.ts); DFLOW_SRC and
 * DFLOW_ARGO for the dflow runner (README, Benchmarks).
 *
 * @example
 * ```sh
 * npm run bench
 * BENCH_QUICK=1 npm run bench
 * BENCH_REPS=9 BENCH_RUNNERS=make,dflow-ts npm run bench
 * DFLOW_SRC=/tmp/dflow/src DFLOW_ARGO=/tmp/argo-client-python/argo BENCH_RUNNERS=dflow npm run bench
 * ```
 */
import { cpus, loadavg } from 'node:os'
import { dflowTs } from './dflow-ts.ts'
import { make } from './make.ts'
import type { Runner } from './runner.ts'
import { snakemake } from './snakemake.ts'
import { spawnFloor } from './spawn.ts'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { benchRoot, dropDir, freshDir } from './lib/temp.ts'
import { sleepBound, workloads, type WorkloadId } from './workloads.ts'
import { fnBench } from './fn-workload.ts'
import { slicesBench } from './slices.ts'
import { scaleBench } from './scale.ts'
import { dflowBench, dflowPeer } from './dflow-py.ts'
import { overall } from './lib/verdict.ts'
import { baseline, BASELINE_REF } from './baseline.ts'
import { cacheBench } from './cache.ts'

const quick = process.env.BENCH_QUICK === '1'
const reps = quick ? 1 : Math.max(1, Number(process.env.BENCH_REPS ?? 5) || 5)
const root = benchRoot()
const base = baseline(root)
const all: Record<string, Runner> = { make, snakemake, spawn: spawnFloor, 'dflow-ts': dflowTs, baseline: base }
const EXTRA = ['fn', 'slices', 'dflow', 'scale', 'store', 'dispatcher', 'restart', 'cache', 'argo-yaml', 'server']
const wanted = (process.env.BENCH_RUNNERS ?? [...Object.keys(all), ...EXTRA].join(',')).split(',').map((s) => s.trim())
const WL = workloads(quick)
const rssMB = (): number => process.resourceUsage().maxRSS / 1024

console.log(`dflow-ts bench: ${WL.map((w) => `${w.id} at n=${w.sizes.join(' and ')}`).join(', ')}; ${reps} repetition(s)${quick ? ' (BENCH_QUICK)' : ''}
machine: ${cpus().length} CPU(s), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}
every step runs the same trivial command (read one integer, add one, write it); runners, interleaved per repetition:
  make -j2            GNU make, one explicit rule per step, recipes run by /bin/sh
  snakemake           Debian's snakemake, --cores 2 --scheduler greedy -q, wildcard rules
  node spawn (floor)  a bare Node process (no tsx, no project code) spawning the same sh -c commands
                      (chain: one at a time; fan-out and layers: two at a time)
  dflow-ts local      local({ parallelism: 2 }).run(wf) in this process (steps started by its launcher); wf built
                      before the clock starts
  (W4 runs every runner at parallelism n: make -jn, snakemake --cores n, local({ parallelism: n }))
columns: t(n) = median wall time in ms at size n; ms/step = marginal cost (t(big) - t(small)) / (big - small),
  so fixed costs (start-up, parsing) cancel; per-rep range = min..max of that cost computed within each repetition;
  x make / x snakemake = ms/step ratios measured in this run
`)

const selected: Runner[] = []
const runners: Runner[] = []
const skipped = new Map<string, string>() // runner name -> why it could not run
const peers: string[][] = []
for (const key of wanted) {
  if (EXTRA.includes(key)) continue
  const r = all[key]
  if (!r) {
    console.log(`unknown runner ${JSON.stringify(key)} in BENCH_RUNNERS (known: ${[...Object.keys(all), ...EXTRA].join(', ')})`)
    continue
  }
  selected.push(r)
  const why = await r.probe()
  if (why) skipped.set(r.name, why)
  else runners.push(r)
  peers.push([`  ${r.name}`, why ? `missing: ${why}` : await r.version()])
}
if (wanted.includes('dflow')) {
  const d = dflowPeer(process.env)
  peers.push(['  dflow (Python)', 'version' in d ? d.version : d.why])
}
const nameWidth = Math.max(...peers.map(([name]) => name!.length))
console.log(`runners (version, or why not run):\n${peers.map(([name, what]) => `${name!.padEnd(nameWidth)}  ${what}`).join('\n')}\n`)
const rssBefore = rssMB()

const times = new Map<string, number[]>() // `${runner}|${workload}|${n}` -> wall times, ms
const broken = new Map<string, string>() // `${runner}|${workload}` -> first error
const key = (r: Runner, w: WorkloadId, n?: number): string => `${r.name}|${w}${n === undefined ? '' : `|${n}`}`

const repLoad: number[] = [] // the 1-minute load average at the end of each repetition

const once = async (r: Runner, w: WorkloadId, n: number): Promise<number> => {
  const dir = freshDir(root, r.name.split(' ')[0]!)
  try {
    const p = await r.prepare(w, n, dir)
    const t0 = performance.now()
    await p.go()
    const ms = performance.now() - t0
    await p.check()
    return ms
  } finally {
    dropDir(dir)
  }
}

// Warm-up, untimed: disk caches, Python byte-code, module loading and JIT on the Node side.
for (const r of runners)
  for (const w of WL)
    await once(r, w.id, w.sizes[0]).catch((e: unknown) => {
      broken.set(key(r, w.id), (e as Error).message)
    })

for (let rep = 0; rep < reps; rep++) {
  process.stdout.write(`repetition ${rep + 1}/${reps} `)
  const order = runners.map((_, i) => runners[(i + rep) % runners.length]!) // rotate who goes first
  for (const w of WL)
    for (const n of w.sizes)
      for (const r of order) {
        if (broken.has(key(r, w.id))) continue
        try {
          const ms = await once(r, w.id, n)
          times.set(key(r, w.id, n), [...(times.get(key(r, w.id, n)) ?? []), ms])
        } catch (e) {
          broken.set(key(r, w.id), (e as Error).message)
        }
        process.stdout.write('.')
      }
  repLoad.push(loadavg()[0]!)
  process.stdout.write(` load ${repLoad[rep]!.toFixed(1)}\n`)
}

const costs = new Map<string, number>() // `${runner}|${workload}` -> ms/step
const MARGINAL = WL.filter((w) => w.kind === 'marginal')
const PARALLEL = WL.filter((w) => w.kind === 'parallelism')
for (const w of MARGINAL) {
  const [small, big] = w.sizes
  for (const r of runners) {
    const a = times.get(key(r, w.id, small))
    const b = times.get(key(r, w.id, big))
    if (a?.length && b?.length && !broken.has(key(r, w.id))) costs.set(key(r, w.id), marginal({ n: small, ms: median(a) }, { n: big, ms: median(b) }))
  }
}
const costOf = (name: string, w: WorkloadId): number | undefined => costs.get(`${name}|${w}`)
const ratio = (x: number | undefined, y: number | undefined): string => (x === undefined || y === undefined || y <= 0 ? '-' : `${fmt(x / y, 1)}x`)

for (const w of MARGINAL) {
  const [small, big] = w.sizes
  const mk = costOf(make.name, w.id)
  const sm = costOf(snakemake.name, w.id)
  const rows: string[][] = [['runner', `t(${small})`, `t(${big})`, 'ms/step', 'per-rep range', 'x make', 'x snakemake']]
  const reps_: string[] = []
  for (const r of selected) {
    const a = times.get(key(r, w.id, small))
    const b = times.get(key(r, w.id, big))
    const c = costOf(r.name, w.id)
    const problem = broken.get(key(r, w.id))
    // Both sizes run in the same repetition, so pairing them by index gives one marginal cost per repetition.
    const perRep = a && b ? a.slice(0, b.length).map((ms, i) => marginal({ n: small, ms }, { n: big, ms: b[i]! })) : []
    const range = problem || perRep.length < 2 ? '-' : `${fmt(Math.min(...perRep))}..${fmt(Math.max(...perRep))}`
    rows.push([r.name, a ? fmt(median(a), 0) : '-', b ? fmt(median(b), 0) : '-', problem ? 'FAILED' : c === undefined ? 'skipped' : fmt(c), range, ratio(c, mk), ratio(c, sm)])
    if (!problem && perRep.length > 1) reps_.push(`  ${r.name}: ${perRep.map((x, i) => `${fmt(x)} (load ${repLoad[i]?.toFixed(1) ?? '?'})`).join(', ')}`)
  }
  console.log(`\n${w.title}\n${table(rows)}`)
  if (reps_.length) console.log(`ms/step per repetition (load average at its end):\n${reps_.join('\n')}`)
}

/** Median wall time over the sleep bound, as a percentage above it. */
const overBound = (r: Runner, w: WorkloadId, p: number): number | undefined => {
  const ts = times.get(key(r, w, p))
  return ts?.length && !broken.has(key(r, w)) ? (median(ts) / sleepBound(p) - 1) * 100 : undefined
}
for (const w of PARALLEL) {
  const rows: string[][] = [['runner', ...w.sizes.flatMap((p) => [`t(parallelism ${p})`, `bound ${fmt(sleepBound(p), 0)}`, 'over bound'])]]
  for (const r of selected)
    rows.push([
      r.name,
      ...w.sizes.flatMap((p) => {
        const ts = times.get(key(r, w.id, p))
        const o = overBound(r, w.id, p)
        return [ts ? fmt(median(ts), 0) : broken.has(key(r, w.id)) ? 'FAILED' : '-', '', o === undefined ? '-' : `${fmt(o, 1)}%`]
      }),
    ])
  console.log(`\n${w.title}\n${table(rows)}`)
}

console.log(`\ntargets for dflow-ts local: marginal cost <= 5x make and < snakemake on W1-W3; W4 within 10% of the sleep bound; W1-W4 within 10% of ${base.name}`)
const outcomes: (boolean | undefined)[] = []
const said = (ok: boolean | undefined): string => {
  outcomes.push(ok)
  return ok === undefined ? 'n/a' : ok ? 'MET' : 'NOT MET'
}
for (const w of PARALLEL)
  for (const p of w.sizes) {
    const o = overBound(dflowTs, w.id, p)
    const met = said(o === undefined ? undefined : o <= 10)
    console.log(`  ${w.id} at parallelism ${p}: ${o === undefined ? 'not measured' : `${fmt(o, 1)}% over ${fmt(sleepBound(p), 0)} ms`}: ${met}`)
  }
for (const w of MARGINAL) {
  const d = costOf(dflowTs.name, w.id)
  const mk = costOf(make.name, w.id)
  const sm = costOf(snakemake.name, w.id)
  const vsMake = said(d === undefined || mk === undefined ? undefined : d <= 5 * mk)
  const vsSnake = said(d === undefined || sm === undefined ? undefined : d < sm)
  console.log(`  ${w.id}: <= 5x make (${d === undefined || mk === undefined ? 'not measured' : `${fmt(d)} vs ${fmt(5 * mk)} ms/step`}): ${vsMake}; < snakemake (${d === undefined || sm === undefined ? 'not measured' : `${fmt(d)} vs ${fmt(sm)} ms/step`}): ${vsSnake}`)
}
for (const w of MARGINAL) {
  const d = costOf(dflowTs.name, w.id)
  const b = costOf(base.name, w.id)
  const met = said(d === undefined || b === undefined ? undefined : d <= 1.1 * b)
  console.log(`  ${w.id}: within 10% of ${BASELINE_REF} (${d === undefined || b === undefined ? 'not measured' : `${fmt(d)} vs ${fmt(b)} ms/step, ${fmt(d / b, 2)}x`}): ${met}`)
}
for (const w of PARALLEL)
  for (const p of w.sizes) {
    const d = times.get(key(dflowTs, w.id, p))
    const b = times.get(key(base, w.id, p))
    const met = said(!d?.length || !b?.length ? undefined : median(d) <= 1.1 * median(b))
    console.log(`  ${w.id} at parallelism ${p}: within 10% of ${BASELINE_REF} (${!d?.length || !b?.length ? 'not measured' : `${fmt(median(d), 0)} vs ${fmt(median(b), 0)} ms, ${fmt(median(d) / median(b), 2)}x`}): ${met}`)
  }
// Why a target could not be measured: a runner it needs was missing, left out, or failed.
const whyUnmeasured = [make, snakemake, dflowTs, base].flatMap((r) =>
  !selected.includes(r)
    ? [`${r.name} not in BENCH_RUNNERS`]
    : skipped.has(r.name)
      ? [r === dflowTs || r === base ? `${r.name}: ${skipped.get(r.name)}` : `peer ${r.name.split(' ')[0]} missing: run \`bash scripts/bench-peers.sh\` as root`]
      : [...broken.keys()].filter((k) => k.startsWith(`${r.name}|`)).map((k) => `${r.name} FAILED on ${k.split('|')[1]}`),
)
console.log(`  overall: ${overall(outcomes, whyUnmeasured)}`)

if (wanted.includes('fn')) {
  const m = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Parameters<typeof fnBench>[2] }
  await fnBench(root, reps, m.local)
}

if (wanted.includes('slices')) {
  const m = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Parameters<typeof slicesBench>[3] }
  await slicesBench(root, quick ? 1 : Math.min(reps, 3), quick, m.local)
}

if (wanted.includes('dflow')) {
  const m = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Parameters<typeof dflowBench>[3] }
  await dflowBench(root, reps, quick, m.local)
}

if (wanted.includes('scale')) {
  const m = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Parameters<typeof scaleBench>[3] }
  const a = (await import(new URL('../lib/argo/index.ts', import.meta.url).href)) as { compile: Parameters<typeof scaleBench>[4] }
  await scaleBench(root, quick ? 1 : Math.min(reps, 3), quick, m.local, a.compile)
}

if (wanted.includes('store')) {
  const m = (await import('./store.ts')) as typeof import('./store.ts')
  await m.storeBench(root, quick ? 1 : reps, quick)
}

if (wanted.includes('dispatcher')) {
  const m = (await import('./dispatcher.ts')) as typeof import('./dispatcher.ts')
  await m.dispatcherBench(root, quick)
}
if (wanted.includes('restart')) {
  const m = (await import('./restart.ts')) as typeof import('./restart.ts')
  await m.restartBench(root, quick ? 2 : Math.max(reps, 5), quick)
}
if (wanted.includes('cache')) {
  const m = (await import(new URL('../lib/local/index.ts', import.meta.url).href)) as { local: Parameters<typeof cacheBench>[3]; folderStore: Parameters<typeof cacheBench>[4] }
  await cacheBench(root, quick ? 1 : Math.min(reps, 3), quick, m.local, m.folderStore)
}
if (wanted.includes('argo-yaml')) await (await import('./argo-yaml.ts')).argoYamlBench(root, quick ? 1 : Math.min(reps, 3), quick)
if (wanted.includes('server')) await (await import('./server.ts')).serverBench(root, quick ? 1 : Math.min(reps, Number(process.env.BENCH_SERVER_REPS ?? 1) || 1), quick)

for (const [k, msg] of broken) console.log(`\nFAILED ${k.replace('|', ' on ')}: ${msg}`)
for (const [name, why] of skipped) console.log(`\nnot run: ${name}: ${why}`)
console.log(`\nmemory: peak RSS of this process (which hosts the dflow-ts interpreter) ${fmt(rssMB(), 0)} MB; ${fmt(rssBefore, 0)} MB before any run`)

console.log('\nArgo compiler: manifest size and compile time')
;(await import('./argo-compile.ts')).run()
