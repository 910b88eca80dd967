import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forEach, param, seq, sh, shell, step, t, workflow, type Workflow } from '../dsl/index.ts'
import { chainWorkflow, inc } from './dflow-ts.ts'
import { incFn } from './fn-op.ts'
import { fnChain } from './fn-workload.ts'
import { marginal, median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { dropDir, freshDir } from './lib/temp.ts'

/**
 * The optional dflow runner of `npm run bench`: Python dflow's debug mode (its local engine) side by side
 * with dflow-ts's local interpreter, repetitions interleaved, on the same four workloads. It runs when
 * `DFLOW_SRC` names dflow's `src/` folder and `DFLOW_ARGO` argo-client-python v5.0.0's `argo` package
 * (README, Benchmarks, says how to get them); otherwise it is skipped with a notice.
 *
 * dflow runs in one Python process kept warm (bench/dflow-py/driver.py: dflow imported once, as dflow-ts
 * runs in the bench's own process), under Debian's python3 (`DFLOW_PYTHON` to choose another), from a
 * temporary copy of both packages, with `config["debug_pool_workers"] = 2` as dflow-ts's `parallelism: 2`.
 * Two changes are made to that copy, and printed: `Step.get_children` reads the `children` file under the
 * lock its writer holds (without it dflow's fan-outs fail intermittently with a JSONDecodeError), and
 * the four model modules argo-client-python's v5.0.0 tree imports but does not contain are stubbed
 * (dflow's debug mode uses none of them).
 *
 * @example
 * ```sh
 * DFLOW_SRC=/tmp/dflow/src DFLOW_ARGO=/tmp/argo-client-python/argo npm run bench
 * ```
 */
export type DflowWorkload = 'chain' | 'fan' | 'pychain' | 'pyfan'

/** Where dflow and the `argo` package are, or why the runner cannot run. */
interface Sources {
  readonly src: string
  readonly argo: string
  readonly python: string
}

const DRIVER_DIR = fileURLToPath(new URL('./dflow-py/', import.meta.url))
const INSTALL = 'run `bash scripts/bench-peers.sh --dflow` as root'

/** The Python that has Debian's packages (a pyenv or venv python3 first on PATH would not see them). */
const pythonOf = (env: NodeJS.ProcessEnv): string => env['DFLOW_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')

/**
 * Reads `DFLOW_SRC` (dflow's `src/`, or the checkout holding it) and `DFLOW_ARGO` (the `argo` package,
 * or the argo-client-python checkout holding it); a string says why the runner is skipped.
 *
 * @example
 * ```ts
 * dflowSources({}) // 'DFLOW_SRC is not set'
 * ```
 */
export const dflowSources = (env: NodeJS.ProcessEnv): Sources | string => {
  const givenSrc = env['DFLOW_SRC']
  if (!givenSrc) return 'DFLOW_SRC is not set'
  const src = [givenSrc, join(givenSrc, 'src')].map((p) => resolve(p)).find((p) => existsSync(join(p, 'dflow', '__init__.py')))
  if (!src) return `DFLOW_SRC=${givenSrc} holds no dflow/__init__.py (give dflow's src/ folder)`
  const givenArgo = env['DFLOW_ARGO']
  if (!givenArgo) return "DFLOW_ARGO is not set (the path of argo-client-python v5.0.0's argo package)"
  const argo = [givenArgo, join(givenArgo, 'argo')].map((p) => resolve(p)).find((p) => existsSync(join(p, 'workflows', 'client', '__init__.py')))
  if (!argo) return `DFLOW_ARGO=${givenArgo} holds no workflows/client/__init__.py (give argo-client-python's argo/ folder)`
  const python = pythonOf(env)
  const probe = spawnSync(python, ['-c', 'import jsonpickle, cloudpickle, kubernetes, tqdm, yaml, filelock, psutil'], { encoding: 'utf8' })
  if (probe.error) return `${python} cannot be started (${probe.error.message}): ${INSTALL}`
  if (probe.status !== 0) return `${python} lacks ${/No module named '([^']+)'/.exec(probe.stderr)?.[1] ?? 'a package dflow needs'}: ${INSTALL}`
  return { src, argo, python }
}

/** dflow's version (the VERSION file beside src/) and git commit when there is one. @example dflowVersion('/tmp/dflow/src') // '1.8.129' */
export const dflowVersion = (src: string): string => {
  const file = join(src, '..', 'VERSION')
  const version = existsSync(file) ? readFileSync(file, 'utf8').trim() : 'version unknown'
  const git = spawnSync('git', ['-C', src, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' })
  return git.status === 0 && git.stdout.trim() ? `${version}, commit ${git.stdout.trim()}` : version
}

/**
 * The peer line of the bench's header: dflow's version, or why it is not run.
 *
 * @example
 * ```ts
 * dflowPeer({}) // { why: 'not given (DFLOW_SRC unset): see README, Benchmarks' }
 * ```
 */
export const dflowPeer = (env: NodeJS.ProcessEnv): { readonly version: string } | { readonly why: string } => {
  const s = dflowSources(env)
  if (typeof s !== 'string') return { version: `dflow ${dflowVersion(s.src)} (debug mode), ${s.src}` }
  return { why: env['DFLOW_SRC'] ? s : 'not given (DFLOW_SRC unset): see README, Benchmarks' }
}

/** The read of dflow's `Step.get_children` (1.8.129), and the same read under the lock `add_children` holds. */
const UNLOCKED = `                with open(os.path.join(scope.stepdir, "children"), "r") as f:
                    children = json.load(f)`
const LOCKED = `                from filelock import FileLock
                with FileLock(os.path.join(scope.stepdir, "children") + ".lock"), open(os.path.join(scope.stepdir, "children"), "r") as f:
                    children = json.load(f)`

/**
 * Copies dflow and the argo package into `into` (the sources are left untouched) and makes there the two
 * changes the runner needs; returns what it did, to be printed.
 *
 * @example
 * ```ts
 * stagePython(sources, join(root, 'py')) // ['Step.get_children patched to read under the children lock', …]
 * ```
 */
export const stagePython = (s: Sources, into: string): string[] => {
  mkdirSync(into, { recursive: true })
  cpSync(join(s.src, 'dflow'), join(into, 'dflow'), { recursive: true })
  cpSync(s.argo, join(into, 'argo'), { recursive: true })
  const notes: string[] = []
  const stepPy = join(into, 'dflow', 'step.py')
  const code = readFileSync(stepPy, 'utf8')
  const at = code.indexOf('def get_children(')
  const i = at < 0 ? -1 : code.indexOf(UNLOCKED, at)
  if (i >= 0 && i - at < 400) {
    writeFileSync(stepPy, code.slice(0, i) + LOCKED + code.slice(i + UNLOCKED.length))
    notes.push('Step.get_children patched to read the children file under the lock add_children holds (dflow races without it)')
  } else notes.push('Step.get_children NOT patched (its text differs from 1.8.129): fan-outs may fail with a JSONDecodeError')
  const client = join(into, 'argo', 'workflows', 'client')
  const stubs: string[] = []
  for (const file of ['__init__.py', join('models', '__init__.py')]) {
    for (const m of readFileSync(join(client, file), 'utf8').matchAll(/^from argo\.workflows\.client\.models\.(\w+) import (\w+)$/gm)) {
      const path = join(client, 'models', `${m[1]}.py`)
      if (existsSync(path)) continue
      writeFileSync(path, `class ${m[2]}:\n    """A stub written by the bench: the v5.0.0 tree imports this model but does not contain it."""\n`)
      stubs.push(m[2]!)
    }
  }
  if (stubs.length) notes.push(`argo package: stubbed ${stubs.length} model(s) its tree imports but lacks (${stubs.join(', ')}; unused by debug mode)`)
  return notes
}

/** The warm Python process: one request a line on stdin, one JSON answer a line on fd 3. */
interface Driver {
  readonly ready: { readonly python: string }
  readonly run: (workload: DflowWorkload, n: number, dir: string) => Promise<number>
  readonly stop: () => void
}

const startDriver = async (s: Sources, staged: string): Promise<Driver> => {
  const env = { ...process.env, PATH: `${dirname(s.python)}:${process.env['PATH'] ?? ''}`, PYTHONPATH: `${staged}:${DRIVER_DIR}`, PYTHONDONTWRITEBYTECODE: undefined }
  const child: ChildProcess = spawn(s.python, [join(DRIVER_DIR, 'driver.py')], { env, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let exited: number | null | undefined
  child.once('exit', (code) => {
    exited = code
  })
  child.stdin!.on('error', () => {}) // a driver that died: the pending answer reports it
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-3000)
  })
  const waiting: ((line: string) => void)[] = []
  let buffered = ''
  const answers = child.stdio[3] as NodeJS.ReadableStream
  answers.on('data', (d: Buffer) => {
    buffered += d.toString()
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      waiting.shift()?.(line)
    }
  })
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((res, rej) => {
      const onExit = (code: number | null) => rej(new Error(`dflow driver exited ${code}: ${stderr.trim().slice(-800)}`))
      if (exited !== undefined) return onExit(exited)
      child.once('exit', onExit)
      waiting.push((line) => {
        child.off('exit', onExit)
        res(JSON.parse(line) as Record<string, unknown>)
      })
    })
  const ready = (await next()) as { python: string }
  return {
    ready,
    run: async (workload, n, dir) => {
      const answer = next()
      child.stdin!.write(`${JSON.stringify({ workload, n, dir })}\n`)
      const a = await answer
      if (typeof a['ms'] !== 'number') throw new Error(`dflow ${workload} n=${n}: ${String(a['error'])}\n${String(a['trace'] ?? '')}`)
      return a['ms']
    },
    stop: () => {
      child.stdin!.end()
      child.kill()
    },
  }
}

/** The join of both fan-outs: echoes the list of the fan-out's outputs. */
const joinList = shell({
  name: 'join',
  inputs: { ys: param(t.array(t.number)) },
  outputs: { all: param(t.string, { path: 'all.txt' }) },
  script: ({ ys }) => sh`echo ${ys} > all.txt`,
})

/**
 * A fan-out of one template over [0, n), as dflow's `with_param`, then the join reading the list of outputs.
 *
 * @example
 * ```ts
 * fanOver(3, inc, 'fan') // seq(forEach([0, 1, 2], w(x = item)), join(ys = w.y)); join.all = [1, 2, 3]
 * ```
 */
export const fanOver = (n: number, template: typeof inc | typeof incFn, name: string): Workflow => {
  const fan = forEach(
    Array.from({ length: n }, (_, k) => k),
    (x) => step('w', template, { x }),
  )
  return workflow(`bench-dflow-${name}`, seq(fan, step('join', joinList, { ys: fan.outputs.y })))
}

/** The four workloads: what each is, and its sizes. */
const WORKLOADS = (quick: boolean): readonly { readonly id: DflowWorkload; readonly title: string; readonly sizes: readonly number[] }[] => [
  { id: 'chain', title: 'chain of shell steps (dflow: ShellOPTemplate; x + 1, passed on as a parameter)', sizes: quick ? [5, 10] : [20, 200] },
  { id: 'fan', title: "fan-out of a shell step over [0, n) (dflow: with_param) + a join reading the list of outputs", sizes: quick ? [5, 10] : [20, 40, 100, 200] },
  { id: 'pychain', title: 'chain of a trivial function OP, x + 1 (dflow: OP.function in a PythonOPTemplate)', sizes: quick ? [1, 2] : [2, 6] },
  { id: 'pyfan', title: 'fan-out of that function OP over [0, n) (dflow: with_param) + the join', sizes: quick ? [2, 4] : [4, 8] },
]

const dflowTsWorkflow = (w: DflowWorkload, n: number): Workflow =>
  w === 'chain' ? chainWorkflow(n) : w === 'pychain' ? fnChain(n) : fanOver(n, w === 'fan' ? inc : incFn, w)

/** What the dflow-ts run must have produced (dflow's driver checks its own side). */
const checkDflowTs = (w: DflowWorkload, n: number, run: LocalRun): void => {
  if (run.status !== 'Succeeded') throw new Error(`dflow-ts ${w} n=${n}: ${run.status}`)
  if (w === 'chain' || w === 'pychain') {
    const y = run.step(`s${n}`).outputs['y']
    if (y !== n) throw new Error(`dflow-ts ${w} n=${n}: s${n}.y = ${String(y)}`)
    return
  }
  const all = String(run.step('join').outputs['all'])
  const ys = (JSON.parse(all) as unknown[]).map(Number).sort((a, b) => a - b)
  if (ys.join() !== Array.from({ length: n }, (_, k) => k + 1).join()) throw new Error(`dflow-ts ${w} n=${n}: join.all = ${all.slice(0, 60)}`)
}

interface LocalRun {
  readonly status: string
  readonly step: (name: string) => { readonly outputs: Readonly<Record<string, unknown>> }
}
type Local = (c: { runsDir: string; parallelism: number }) => { run: (wf: Workflow) => Promise<LocalRun> }

/**
 * The dflow section of `npm run bench`: skipped with a notice without `DFLOW_SRC`/`DFLOW_ARGO`; otherwise
 * both systems on each workload and size, interleaved per repetition (`BENCH_DFLOW_REPS`, default the
 * bench's repetitions up to 3), after an untimed warm-up; prints median wall times, ms per step at each
 * size, the marginal cost between the smallest and the largest size, and the ratio dflow-ts / dflow.
 *
 * @example
 * ```ts
 * await dflowBench(root, 5, false, local)
 * ```
 */
export const dflowBench = async (root: string, reps: number, quick: boolean, local: Local): Promise<void> => {
  const title = 'dflow (Python) debug mode, side by side'
  const s = dflowSources(process.env)
  if (typeof s === 'string') {
    console.log(`\n${title}: skipped: ${s}. To run it: DFLOW_SRC=/path/to/dflow/src DFLOW_ARGO=/path/to/argo-client-python/argo npm run bench (README, Benchmarks)`)
    return
  }
  const dflowReps = Math.max(1, Number(process.env['BENCH_DFLOW_REPS'] ?? Math.min(reps, 3)) || 1)
  const staged = join(root, 'dflow-python')
  const notes = stagePython(s, staged)
  let driver: Driver
  try {
    driver = await startDriver(s, staged)
  } catch (e) {
    console.log(`\n${title}: FAILED to start: ${(e as Error).message}`)
    return
  }
  const WL = WORKLOADS(quick)
  console.log(`\n${title}: dflow ${dflowVersion(s.src)} from ${s.src}, argo package from ${s.argo}
  python ${driver.ready.python} (${s.python}); dflow config mode=debug, debug_pool_workers=2; dflow-ts local({ parallelism: 2 }) in this process
  run from a temporary copy: ${notes.join('; ')}
  timed: dflow's wf.submit() in a warm Python process, dflow-ts's run(wf) in this one; both workflows built before the clock starts
  ${dflowReps} repetition(s), interleaved, after an untimed warm-up; ms/step = t(n) / n; marginal = (t(big) - t(small)) / (big - small)`)
  const times = new Map<string, number[]>() // `${side}|${workload}|${n}` -> ms
  const broken = new Map<string, string>() // `${side}|${workload}` -> first error
  const sides = ['dflow', 'dflow-ts'] as const
  const once = async (side: (typeof sides)[number], w: DflowWorkload, n: number): Promise<number> => {
    const dir = freshDir(root, side)
    try {
      if (side === 'dflow') return await driver.run(w, n, dir)
      const wf = dflowTsWorkflow(w, n)
      const interpreter = local({ runsDir: join(dir, 'runs'), parallelism: 2 })
      const t0 = performance.now()
      const run = await interpreter.run(wf)
      const ms = performance.now() - t0
      checkDflowTs(w, n, run)
      return ms
    } finally {
      dropDir(dir)
    }
  }
  const record = async (side: (typeof sides)[number], w: DflowWorkload, n: number, timed: boolean): Promise<void> => {
    if (broken.has(`${side}|${w}`)) return
    try {
      const ms = await once(side, w, n)
      if (timed) times.set(`${side}|${w}|${n}`, [...(times.get(`${side}|${w}|${n}`) ?? []), ms])
    } catch (e) {
      broken.set(`${side}|${w}`, (e as Error).message)
    }
  }
  try {
    for (const w of WL) for (const side of sides) await record(side, w.id, w.sizes[0]!, false)
    for (let rep = 0; rep < dflowReps; rep++) {
      process.stdout.write(`  repetition ${rep + 1}/${dflowReps} `)
      for (const w of WL)
        for (const n of w.sizes)
          for (const side of rep % 2 ? [...sides].reverse() : sides) {
            await record(side, w.id, n, true)
            process.stdout.write('.')
          }
      process.stdout.write('\n')
    }
  } finally {
    driver.stop()
  }
  const med = (side: string, w: DflowWorkload, n: number): number | undefined => {
    const ts = times.get(`${side}|${w}|${n}`)
    return ts?.length && !broken.has(`${side}|${w}`) ? median(ts) : undefined
  }
  const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b <= 0 ? '-' : `${fmt(a / b, 3)}`)
  for (const w of WL) {
    const rows: string[][] = [['n', 'dflow ms', 'dflow ms/step', 'dflow-ts ms', 'dflow-ts ms/step', 'dflow-ts / dflow']]
    for (const n of w.sizes) {
      const d = med('dflow', w.id, n)
      const ts = med('dflow-ts', w.id, n)
      rows.push([String(n), fmt(d, 0), fmt(d === undefined ? undefined : d / n), fmt(ts, 0), fmt(ts === undefined ? undefined : ts / n), ratio(ts, d)])
    }
    const [small, big] = [w.sizes[0]!, w.sizes[w.sizes.length - 1]!]
    const m = (side: string): number | undefined => {
      const a = med(side, w.id, small)
      const b = med(side, w.id, big)
      return a === undefined || b === undefined ? undefined : marginal({ n: small, ms: a }, { n: big, ms: b })
    }
    rows.push([`marginal ${small}..${big}`, '', fmt(m('dflow')), '', fmt(m('dflow-ts')), ratio(m('dflow-ts'), m('dflow'))])
    const failed = sides.filter((side) => broken.has(`${side}|${w.id}`))
    console.log(`\n${w.id}: ${w.title}${failed.length ? ` (${failed.join(', ')} FAILED)` : ''}\n${table(rows)}`)
  }
  for (const [k, msg] of broken) console.log(`\nFAILED ${k.replace('|', ' on ')}: ${msg.slice(0, 1500)}`)
}
