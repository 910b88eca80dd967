import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { artifact, artifactList, artifactNested, artifactRecord, bigParam, fn, param, t } from 'dflow-ts'

/**
 * Function OPs shared by the tests. They live here, not in a test file, because a worker imports the
 * module that defines an OP (importing a test file would run its tests).
 *
 * @example
 * ```ts
 * step('d', double, { n: 2 }) // outputs.out = 4
 * ```
 */
export const double = fn(
  { name: 'double', module: import.meta.url, inputs: { n: param(t.number) }, outputs: { out: param(t.number) } },
  ({ n }) => ({ out: n * 2 }),
)

/** A function OP reading a fan-in: the first line of each file, in item order. */
export const firstLines = fn(
  { name: 'first-lines', module: import.meta.url, inputs: { files: artifactList() }, outputs: { lines: param(t.array(t.string)) } },
  ({ files }) => ({ lines: files.map((f) => readFileSync(f, 'utf8').trim()) }),
)

/** Returns a string where a number is declared (when asked to): the output check must catch it. */
export const liar = fn(
  { name: 'liar', module: import.meta.url, inputs: { lie: param(t.boolean) }, outputs: { out: param(t.number) } },
  ({ lie }) => ({ out: (lie ? 'oops' : 1) as number }),
)

/** Returns a number JSON cannot carry (Infinity, NaN) or a list holding one: its output check must refuse it. */
export const unbounded = fn(
  { name: 'unbounded', module: import.meta.url, inputs: { which: param(t.string) }, outputs: { out: param(t.unknown) } },
  ({ which }) => ({ out: which === 'nan' ? Number.NaN : which === 'list' ? [1, Number.POSITIVE_INFINITY] : Number.POSITIVE_INFINITY }),
)

/** Reports its context as outputs, and progress 1/3 … 3/3 with pauses of `pause` seconds. */
export const context = fn(
  {
    name: 'context',
    module: import.meta.url,
    inputs: { pause: param(t.number, { default: 0 }) },
    outputs: { key: param(t.string), workflow: param(t.string), cwdIsWorkdir: param(t.boolean), env: param(t.string) },
  },
  async ({ pause }, ctx) => {
    for (let i = 1; i <= 3; i++) {
      ctx.progress(i, 3)
      ctx.log(`step ${i} of 3`)
      await new Promise((r) => setTimeout(r, pause * 1000))
    }
    return { key: ctx.key, workflow: ctx.workflowName, cwdIsWorkdir: process.cwd() === ctx.workdir, env: process.env['DFLOW_TEST_ENV'] ?? 'unset' }
  },
)

/** Writes files and returns them as a list, a record and a nested record. */
export const shapes = fn(
  { name: 'shapes', module: import.meta.url, outputs: { list: artifactList(), record: artifactRecord(), tree: artifactNested() } },
  () => {
    mkdirSync('d/e', { recursive: true })
    for (const [f, c] of [['a.txt', 'A'], ['d/b.txt', 'B'], ['d/e/c.txt', 'C']]) writeFileSync(f!, c!)
    return { list: ['a.txt', 'd/b.txt'], record: { x: 'a.txt', y: 'd/e/c.txt' }, tree: { top: 'a.txt', sub: { deep: 'd/e/c.txt' } } }
  },
)

/** Reads the three shapes back and concatenates what it finds. */
export const readShapes = fn(
  { name: 'read-shapes', module: import.meta.url, inputs: { list: artifactList(), record: artifactRecord(), tree: artifactNested() }, outputs: { text: param(t.string) } },
  ({ list, record, tree }) => {
    const read = (p: unknown) => readFileSync(p as string, 'utf8')
    const sub = tree['sub'] as Record<string, string>
    return { text: [...list.map(read), read(record['x']), read(record['y']), read(tree['top']), read(sub['deep'])].join('') }
  },
)

/** Starts a child process (`sleep` with a marker argument) and waits forever: a timeout must kill both. */
export const hang = fn({ name: 'hang', module: import.meta.url, inputs: { marker: param(t.string) } }, async ({ marker }) => {
  spawn('sleep', [marker], { stdio: 'ignore' })
  await new Promise(() => {})
  return {}
})

/** Starts `sleep MARKER`, then holds its worker's main thread in a synchronous loop for up to a minute. */
export const busy = fn({ name: 'busy', module: import.meta.url, inputs: { marker: param(t.string) } }, ({ marker }) => {
  spawn('sleep', [marker], { stdio: 'ignore' })
  for (const end = Date.now() + 60_000; Date.now() < end; );
  return {}
})

/** Throws from a timer (outside any await of the call), then waits: the worker ends on it. */
export const throwsLate = fn({ name: 'throws-late', module: import.meta.url }, async () => {
  setTimeout(() => {
    throw new Error('thrown from a timer')
  }, 0)
  await new Promise((r) => setTimeout(r, 2000))
  return {}
})

let calls = 0
/** Counts the calls its worker process has served (module state: 1 for every call in a fresh process). */
export const counter = fn({ name: 'counter', module: import.meta.url, outputs: { calls: param(t.number) } }, () => ({ calls: ++calls }))

/** Says whether its optional artifact was given, and what it holds. */
export const maybeReads = fn(
  { name: 'maybe-reads', module: import.meta.url, inputs: { f: artifact({ optional: true }) }, outputs: { text: param(t.string) } },
  ({ f }) => ({ text: f === null ? 'none' : readFileSync(f, 'utf8') }),
)

/** Sums a list of numbers (a fan-out's aggregated output feeds it). */
export const sumOp = fn(
  { name: 'sum-op', module: import.meta.url, inputs: { xs: param(t.array(t.number)) }, outputs: { total: param(t.number) } },
  ({ xs }) => ({ total: xs.reduce((a, b) => a + b, 0) }),
)

/** Kills its own worker process with the given signal (a function OP killed by a signal). */
export const selfKill = fn({ name: 'self-kill', module: import.meta.url, inputs: { signal: param(t.string) } }, ({ signal }) => {
  process.kill(process.pid, signal as NodeJS.Signals)
  return new Promise<Record<string, never>>(() => {}) // the signal ends the process first
})

/** Returns its string input unchanged, as a parameter and as a big parameter; `fallback` is left to its default. */
export const echoString = fn(
  {
    name: 'echo-string',
    module: import.meta.url,
    inputs: { s: param(t.string) },
    outputs: { out: param(t.string), big: bigParam(t.string), list: param(t.array(t.string)), fallback: param(t.string, { default: 'd\n' }) },
  },
  ({ s }) => ({ out: s, big: s, list: [s] }),
)
