import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openRun } from 'dflow-ts/local'
import campaign from '../fixtures/campaign.ts'
import { BIN } from '../helpers/cli.ts'
import { processesWith, until } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * The kill -9 campaign: a 200-step workflow (a chain, a fan-out, nested sub-workflows, retried steps) driven by
 * `dflow run`, killed with SIGKILL at seeded random points — some in the middle of a journal write, through the
 * journal's fault hook (DFLOW_TEST_KILL_IN_JOURNAL) — and continued with `dflow restart` each time, until it
 * ends. Every step appends its key to a side-effect log when it runs: no step recorded Succeeded before a kill
 * runs again after it; every final output is right; no process is left. DFLOW_CAMPAIGN_SEED replays a
 * campaign, DFLOW_CAMPAIGN_KILLS sets how many kills (50).
 */
const test = suite('local: kill -9 at random points, restart until done')
const tmp = tempDir('kill-campaign')
test.after(tmp.cleanup)

/** mulberry32: a small seeded generator, so that a failing campaign can be replayed from its seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296
}

test('200 steps, killed at 50 seeded points, restarted each time: nothing Succeeded runs again, outputs right, no process left', async () => {
  const seed = Number(process.env.DFLOW_CAMPAIGN_SEED ?? Date.now() % 1_000_000)
  const kills = Number(process.env.DFLOW_CAMPAIGN_KILLS ?? 50)
  console.log(`kill campaign: seed ${seed}, ${kills} kills (DFLOW_CAMPAIGN_SEED=${seed} replays it)`)
  const rnd = random(seed)
  const runs = join(tmp.path, 'runs')
  const log = join(tmp.path, 'log')
  const logLines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [])
  let dir = ''
  const journal = () => join(dir, 'steps.jsonl')
  /** How many whole records the journal holds, counted on from where the last look stopped (it is polled every 2 ms while the driver works). */
  let counted = { bytes: 0, lines: 0 }
  const records = () => {
    if (!dir || !existsSync(journal())) return 0
    const size = statSync(journal()).size
    if (size < counted.bytes) counted = { bytes: 0, lines: 0 } // a torn record cut off by the next driver
    if (size > counted.bytes) {
      const fd = openSync(journal(), 'r')
      const more = Buffer.alloc(size - counted.bytes)
      readSync(fd, more, 0, more.length, counted.bytes)
      closeSync(fd)
      let lines = counted.lines
      for (const b of more) if (b === 0x0a) lines++
      counted = { bytes: size, lines }
    }
    return counted.lines
  }
  /** The keys of the leaf steps whose latest record is Succeeded. */
  const succeeded = () => {
    const latest = new Map<string, { key?: string; phase: string; type: string }>()
    for (const line of readFileSync(journal(), 'utf8').split('\n'))
      try {
        const r = JSON.parse(line) as { id: string; key?: string; phase: string; type: string }
        latest.set(r.id, r)
      } catch {
        /* a torn line */
      }
    return new Set([...latest.values()].filter((r) => r.type === 'Pod' && r.phase === 'Succeeded').map((r) => r.key!))
  }
  const before: { readonly kill: number; readonly done: ReadonlySet<string>; readonly logged: number; readonly how: string }[] = []
  let ended: number | null = null
  for (let k = 0; ended === null; k++) {
    const inWrite = k < kills && rnd() < 0.3 ? 1 + Math.floor(rnd() * 10) : undefined
    const args = k === 0 ? ['run', 'test/fixtures/campaign.ts', '--runs-dir', runs, '-q'] : ['restart', dir, '-q']
    const env = { ...process.env, NO_COLOR: '1', DFLOW_CAMPAIGN_LOG: log, ...(inWrite ? { DFLOW_TEST_KILL_IN_JOURNAL: String(inWrite) } : {}) }
    const written = records()
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    let how = 'ran to its end'
    if (k < kills && !inWrite) {
      // A random point in the driver's progress (after 1 to 6 records of its own, and up to 20 ms more), not in
      // time: a trivial step takes milliseconds, and kills timed from the driver's start let a restart finish
      // the run before the campaign had made most of its kills.
      const more = 1 + Math.floor(rnd() * 6)
      await until(() => {
        if (!dir && existsSync(runs)) dir = readdirSync(runs).map((d) => join(runs, d))[0] ?? ''
        return records() >= written + more
      }, 60_000, 2)
      const ms = Math.floor(rnd() * 20)
      await new Promise((r) => setTimeout(r, ms))
      how = `SIGKILL ${ms} ms after its record ${more}`
      child.kill('SIGKILL')
    } else if (inWrite) how = `killed itself in the middle of journal record ${inWrite}`
    const code = await exit
    if (!dir && existsSync(runs)) dir = readdirSync(runs).map((d) => join(runs, d))[0] ?? ''
    if (code !== null && code !== 137) {
      assert.is(code, 0, `driver ${k} (${how}) ended ${code}: ${err}`)
      ended = k
      break
    }
    // The steps it ran die with it.
    assert.ok(await until(() => processesWith(dir).length === 0, 20_000), `driver ${k}: no step process is left`)
    before.push({ kill: k, done: succeeded(), logged: logLines().length, how })
  }
  assert.is(before.length, kills, `the campaign made all its kills before the run ended (restart ${ended} ran to its end)`)
  const lines = logLines()
  for (const b of before) {
    const again = lines.slice(b.logged).filter((key) => b.done.has(key))
    assert.equal(again, [], `after kill ${b.kill} (${b.how}), steps recorded Succeeded before it ran again`)
  }
  const keys = new Set(lines)
  assert.is(keys.size, 200, 'every step ran')
  const run = await openRun(dir, campaign)
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('join').outputs.total, 2 * (99 * 100) / 2 + 50)
  for (let i = 0; i < 10; i++) assert.is(run.step(`nest(${i})`).outputs.n, i + 3)
  for (let i = 0; i < 19; i++) assert.is(run.step({ key: `r-${i}` }).outputs.n, i + 100)
  assert.is(run.steps({ type: 'Pod', phase: 'Succeeded' }).length, 200)
  assert.is(processesWith(dir).length, 0, 'no process is left')
  console.log(`kill campaign: ${before.length} kills, ${ended} restarts; ${lines.length - 200} steps ran again (each was in flight or not yet recorded at a kill)`)
})

test.run()
