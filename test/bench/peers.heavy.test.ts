import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('bench: peers named, versions printed, "not measured" told apart from "not met"')
const tmp = tempDir('bench-peers')
test.after(tmp.cleanup)

/** A PATH holding only these programs (linked from /usr/bin or /bin): a machine where the others are missing. */
const pathWith = (name: string, programs: readonly string[]): string => {
  const dir = join(tmp.path, name)
  mkdirSync(dir)
  for (const p of programs) {
    const from = ['/usr/bin', '/bin'].map((d) => join(d, p)).find(existsSync)
    if (from) symlinkSync(from, join(dir, p))
  }
  return dir
}

/** `npm run bench` as a process (quick sizes), with this PATH and runner subset; dflow's sources only if `dflow`. */
const bench = (path: string, runners: string, dflow?: { readonly src: string; readonly argo: string }) => {
  const env: Record<string, string | undefined> = { ...process.env, PATH: path, BENCH_QUICK: '1', BENCH_RUNNERS: runners, DFLOW_SRC: dflow?.src, DFLOW_ARGO: dflow?.argo }
  for (const k of ['DFLOW_SRC', 'DFLOW_ARGO']) if (env[k] === undefined) delete env[k]
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', resolve('bench/run.ts')], { encoding: 'utf8', env, timeout: 240_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test('a missing peer is named with the command that installs it, and the overall line says "not measured", not "not met"', () => {
  const r = bench(pathWith('no-snakemake', ['make', 'sh', 'dash', 'cat', 'sleep']), 'make,snakemake,dflow')
  assert.is(r.code, 0, r.err)
  const head = r.out.slice(r.out.indexOf('runners (version'), r.out.indexOf('repetition 1/'))
  assert.match(head, /make -j2 +GNU Make \d/, 'make version at the top')
  assert.match(head, /snakemake +missing: not installed; run `bash scripts\/bench-peers\.sh` as root/)
  assert.match(head, /dflow \(Python\) +not given \(DFLOW_SRC unset\)/)
  const overall = /overall: (.*)/.exec(r.out)?.[1] ?? ''
  assert.match(overall, /^not measured \(peer snakemake missing: run `bash scripts\/bench-peers\.sh` as root; dflow-ts local not in BENCH_RUNNERS; dflow-ts at \w+ not in BENCH_RUNNERS\)$/)
  assert.not.match(r.out, /not met \(or not measured\)/)
})

test('no figure of dflow is quoted unless measured in this run: without DFLOW_SRC its section is skipped with a notice', () => {
  const r = bench(pathWith('bare', ['sh', 'dash']), 'dflow')
  assert.is(r.code, 0, r.err)
  assert.match(r.out, /dflow \(Python\) debug mode, side by side: skipped: DFLOW_SRC is not set/)
  assert.not.match(r.out, /published/)
  assert.not.match(r.out, /\b480\b/)
})

const src = process.env['DFLOW_SRC']
const argo = process.env['DFLOW_ARGO']
if (!src || !argo) console.log('bench/peers: the dflow side-by-side case is skipped: set DFLOW_SRC and DFLOW_ARGO (README, Benchmarks) to run it')
;(src && argo ? test : test.skip)('with DFLOW_SRC and DFLOW_ARGO: dflow and dflow-ts run the same four workloads side by side, from a patched copy', () => {
  const stepPy = join(src!, ...(existsSync(join(src!, 'dflow')) ? [] : ['src']), 'dflow', 'step.py')
  const before = readFileSync(stepPy, 'utf8')
  const r = bench(process.env['PATH'] ?? '', 'dflow', { src: src!, argo: argo! })
  assert.is(r.code, 0, r.err)
  assert.match(r.out, /dflow \(Python\) debug mode, side by side: dflow \d+\.\d+\.\d+/)
  assert.match(r.out, /Step\.get_children patched to read the children file under the lock/)
  for (const w of ['chain', 'fan', 'pychain', 'pyfan']) assert.match(r.out, new RegExp(`\\n${w}: .*\\nn +dflow ms .*\\n\\d+ +\\d+ +[\\d.]+ +\\d+ +[\\d.]+ +[\\d.]+\\n`), `${w} measured on both sides`)
  assert.not.match(r.out, /FAILED/)
  assert.is(readFileSync(stepPy, 'utf8'), before, "dflow's own source is left untouched")
})

test.run()
