import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { par, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { local, openRun, StorageError } from 'dflow-ts/local'
import { mounts } from '../helpers/mounts.ts'
import { until } from '../helpers/processes.ts'
import { dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * A run folder on a disk that fills up or is read-only, with real mounts (a small tmpfs, read-only bind
 * mounts; root ignores chmod): storage errors name the path and the error code, the driver does not
 * crash, the journal keeps whole records, no temporary file is left, and the run ends in a recorded final
 * state when one can be written — else it reads as interrupted.
 */
const test = suite('local: a run folder on a full or read-only disk')
const m = mounts()
test.after(m.cleanup)
const tmp = tempDir('storage')
test.after(tmp.cleanup)
const only = (runs: string) => join(runs, readdirSync(runs)[0]!)
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' })

/** Every line of the journal is a whole record, and it ends with a newline. */
const assertWhole = (journal: string) => {
  const text = readFileSync(journal, 'utf8')
  assert.ok(text === '' || text.endsWith('\n'), `the journal ends with a whole record: …${JSON.stringify(text.slice(-80))}`)
  for (const line of text.split('\n').filter(Boolean)) JSON.parse(line)
}

if (m.unavailable) {
  console.log(`storage-faults: skipped (${m.unavailable}): these tests mount a tmpfs and read-only bind mounts`)
  test.skip('a full disk', () => {})
} else {
  test('dflow run on a disk that stays full: no crash, the error named, a whole journal, no temporary file; the run reads as interrupted', () => {
    const runs = join(m.tmpfs('1m'), 'runs')
    const r = dflow('run', 'test/fixtures/disk-full.ts', '--runs-dir', runs, '-q')
    assert.is(r.code, 1, `exit code 1, as a failed run: ${r.out}${r.err}`)
    assert.not.match(r.err, /at .*\.ts:\d+/, 'no stack trace')
    assert.match(r.out, /disk-full Error/)
    assert.match(r.out, /the run was stopped: could not write \S+\/steps.jsonl: ENOSPC \(no space left on device\)/)
    assert.match(r.out, /its final state could not be recorded \(could not write \S+\/workflow.json: ENOSPC/)
    const dir = only(runs)
    assertWhole(join(dir, 'steps.jsonl'))
    assert.equal(filesUnder(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left')
    // workflow.json could not be written at the end: it says Running, and the driver is gone.
    const st = dflow('status', dir)
    assert.is(st.code, 1, st.out)
    assert.match(st.out, /disk-full Failed/)
    assert.match(st.out, /interrupted: its driver \(pid \d+ on \S+\) is gone/)
  })

  test('a disk that fills up and then frees space: the run ends Error, recorded, saying why', async () => {
    // `talk` has written its outputs (12 values of 600 bytes: a record of several pages) when `fill` fills
    // the disk; its finishing record cannot be written, the run is stopped, and `fill` frees the disk as it
    // is stopped: the final state fits.
    const sync = join(tmp.path, 'sync')
    mkdirSync(sync)
    const names = [...Array(12).keys()].map((i) => `v${i}`)
    const talk = shell({
      name: 'talk',
      inputs: { sync: param(t.string) },
      outputs: Object.fromEntries(names.map((n) => [n, param(t.string, { path: `${n}.txt` })])),
      script: ({ sync }) => sh`for n in 0 1 2 3 4 5 6 7 8 9 10 11; do printf '%0600d' 0 > v$n.txt; done; touch ${sync}/ready; until [ -e ${sync}/full ]; do sleep 0.02; done`,
    })
    const fill = shell({
      name: 'fill',
      inputs: { sync: param(t.string) },
      script: ({ sync }) =>
        sh`trap 'rm -f fill; exit 1' TERM; until [ -e ${sync}/ready ]; do sleep 0.02; done; head -c 64m /dev/zero > fill 2>/dev/null; touch ${sync}/full; while :; do sleep 0.05; done`,
    })
    const runs = join(m.tmpfs('1m'), 'runs')
    const run = await local({ runsDir: runs }).run(workflow('fills-up', par(step('talk', talk, { sync }), step('fill', fill, { sync }))))
    assert.is(run.status, 'Error', `${run.message} ${JSON.stringify(run.steps().map((s) => [s.id, s.phase, s.message]))}`)
    assert.match(run.message ?? '', /^the run was stopped: could not write \S+\/steps.jsonl: ENOSPC \(no space left on device\)$/)
    const back = await openRun(run.dir)
    assert.is(back.status, 'Error', 'the final state is recorded')
    assert.is(back.interrupted, false)
    assert.is(back.message, run.message)
    assertWhole(join(run.dir, 'steps.jsonl'))
    assert.equal(filesUnder(run.dir).filter((f) => f.includes('.tmp-')), [])
    assert.is(back.step('fill').phase, 'Failed')
    // talk's finishing record, which the full disk refused, is written once there is room again.
    assert.is(run.step('talk').phase, 'Succeeded')
    assert.is(back.step('talk').phase, 'Succeeded')
  })

  test('a read-only runs folder: the run is refused, naming the folder and EROFS', async () => {
    const ro = m.readOnly(join(tmp.path, 'ro-runs'))
    const refusal = (runsDir: string) =>
      local({ runsDir })
        .run(workflow('ro', step('a', shell({ name: 'a', script: () => sh`true` }))))
        .then(
          () => 'it ran',
          (e: Error) => (e instanceof StorageError && e.code === 'EROFS' ? e.message : `not a StorageError: ${e}`),
        )
    assert.match(await refusal(ro), new RegExp(`^could not mkdir ${ro}/ro-\\S+: EROFS \\(read-only file system\\)$`))
    // Folders missing above the run folder: the one that cannot be made is named (not ENOENT).
    assert.match(await refusal(join(ro, 'deeper', 'runs')), new RegExp(`^could not mkdir ${ro}/deeper: EROFS \\(read-only file system\\)$`))
    const r = dflow('run', 'examples/steps.ts', '--runs-dir', ro)
    assert.is(r.code, 2)
    assert.match(r.err, new RegExp(`dflow run: could not mkdir ${ro}/steps-\\S+: EROFS \\(read-only file system\\)`))
  })

  for (const spawn of ['launcher', 'direct'] as const)
    test(`a read-only step folder: the step errors naming its log and EROFS; the run's final state is recorded (${spawn} start)`, async () => {
      const sync = join(tmp.path, `go-${spawn}`)
      mkdirSync(sync)
      const wait = shell({ name: 'wait', inputs: { sync: param(t.string) }, script: ({ sync }) => sh`until [ -e ${sync}/go ]; do sleep 0.02; done` })
      const say = shell({ name: 'say', script: () => sh`echo hello` })
      const runs = join(tmp.path, `runs-ro-step-${spawn}`)
      const running = local({ runsDir: runs, spawn }).run(workflow('ro-step', seq(step('a', wait, { sync }), step('b', say))))
      // b's folder is made while a runs: then it becomes read-only, and a goes on.
      assert.ok(await until(() => existsSync(runs) && readdirSync(runs).length === 1 && existsSync(join(only(runs), 'steps', 'b', 'workdir'))), "b's folder was made")
      m.readOnly(join(only(runs), 'steps', 'b'))
      writeFileSync(join(sync, 'go'), '')
      const run = await running
      m.undo(join(run.dir, 'steps', 'b'))
      const b = run.step('b')
      assert.is(b.phase, 'Error')
      assert.match(b.message ?? '', new RegExp(`could not open ${run.dir}/steps/b/log.txt: EROFS \\(read-only file system\\)`))
      assert.not.match(b.message ?? '', /\/usr\/bin\/sh|\/bin\/sh/)
      const back = await openRun(run.dir)
      assert.is(back.status, 'Failed')
      assert.match(back.message ?? '', /step b errored: could not start sh: could not open .*log.txt: EROFS/)
    })
}

test.run()
