/**
 * Runs every `*.test.ts` under test/ (or those whose path matches the path regex) with uvu, and ends with the
 * line CI reads: `N passed, N failed` (skipped tests are counted on the line before). Heavy suites are named
 * `*.heavy.test.ts` and run only with `--all` (`npm run test:all`, which CI runs).
 *
 * The files run in lanes: worker processes (`test/runner/worker.ts`) that each take the next file when they
 * are free, so that one file's waits (child processes, sleeps) overlap another's work. Each file's report is
 * printed whole, in path order, when it and those before it are done. Heavy suites run after the others,
 * one at a time in one lane (they share the real Slurm, SGE and sshd, and some change them). The number of
 * lanes: `DFLOW_TEST_JOBS` (default: cores + 1, at most 4); `DFLOW_TEST_JOBS=1` runs one file at a time.
 *
 * Usage: node --import tsx test/run.ts [--all] [path-regex]
 * (The loader's hooks make `dflow-ts` resolve to the sources here, as `npm test`'s `--conditions=source` does,
 * never to a build in dist/ that may be stale.)
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runLanes } from './runner/lanes.ts'

const root = fileURLToPath(new URL('.', import.meta.url))
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : []
  })
const args = process.argv.slice(2)
const all = args.includes('--all')
const pattern = args.find((a) => a !== '--all')
const filter = pattern ? new RegExp(pattern) : undefined
const files = walk(root)
  .sort()
  .filter((f) => all || !f.endsWith('.heavy.test.ts'))
  .filter((f) => !filter || filter.test(relative(root, f)))
  .map((f) => relative(root, f))

const jobs = Math.max(1, Number(process.env.DFLOW_TEST_JOBS) || Math.min(4, availableParallelism() + 1))
const heavy = (f: string): boolean => f.endsWith('.heavy.test.ts')
const { passed, failed, skipped, reports } = await runLanes(root, [
  { files: files.filter((f) => !heavy(f)), lanes: jobs },
  { files: files.filter(heavy), lanes: 1 },
])
// The slowest files, so that what makes `npm test` long is seen where it is run (its target is two minutes).
const bySlowness = [...reports].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0))
const slowest = bySlowness.slice(0, 8)
// DFLOW_TEST_TIMES=FILE: every file's time, slowest first, one `SECONDS FILE` line each (what to move to a heavy suite).
if (process.env.DFLOW_TEST_TIMES) writeFileSync(process.env.DFLOW_TEST_TIMES, bySlowness.map((r) => `${((r.ms ?? 0) / 1000).toFixed(1)} ${r.file}\n`).join(''))
if (reports.length > 8) process.stdout.write(`\nslowest: ${slowest.map((r) => `${r.file} ${((r.ms ?? 0) / 1000).toFixed(1)} s`).join(', ')}\n`)
process.stdout.write(`\n${skipped} skipped\n${passed} passed, ${failed} failed\n`)
process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0
