import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import { selfKill } from '../helpers/fn-ops.ts'
import { dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * A step killed by a signal records the signal's name and the exit code shells and Kubernetes report for
 * it (128 + the signal's number), whether it is a script (started by the launcher or directly) or a
 * function OP; the failure message and `dflow steps` name the signal.
 */
const killer = shell({ name: 'killer', inputs: { signal: param(t.string) }, script: ({ signal }) => sh`echo about to die >&2; kill -s ${signal} $$; sleep 5` })

const cases = [
  ['SIGKILL', 137],
  ['SIGTERM', 143],
] as const

for (const spawn of ['launcher', 'direct'] as const) {
  const test = suite(`local: a script step killed by a signal (${spawn} start)`)
  const tmp = tempDir(`signals-${spawn}`)
  test.after(tmp.cleanup)
  for (const [signal, code] of cases)
    test(`${signal}: signal ${signal}, exit code ${code}, and a message that says so`, async () => {
      const r = await local({ runsDir: tmp.path, spawn }).run(workflow('killed', step('k', killer, { signal: signal.slice(3) })))
      assert.is(r.status, 'Failed')
      const k = r.step('k')
      assert.is(k.phase, 'Failed')
      assert.is(k.exitCode, code)
      assert.is(k.signal, signal)
      assert.match(k.message ?? '', new RegExp(`killed by ${signal} \\(exit code ${code}\\): about to die`))
      // Read back from the folder, the same.
      const back = (await openRun(r.dir)).step('k')
      assert.is(back.exitCode, code)
      assert.is(back.record.signal, signal)
    })
  test.run()
}

{
  const test = suite('local: a function OP killed by a signal')
  const tmp = tempDir('signals-fn')
  test.after(tmp.cleanup)
  for (const [signal, code] of cases)
    test(`${signal}: signal ${signal}, exit code ${code}`, async () => {
      const r = await local({ runsDir: tmp.path }).run(workflow('fn-killed', step('k', selfKill, { signal })))
      const k = r.step('k')
      assert.is(k.phase, 'Failed')
      assert.is(k.exitCode, code)
      assert.is(k.signal, signal)
      assert.match(k.message ?? '', new RegExp(`killed by ${signal} \\(exit code ${code}\\)`))
    })

  test('every attempt of a retried step records its signal', async () => {
    const s = step('k', killer, { signal: 'KILL' }, { retry: { limit: 1 } })
    const r = await local({ runsDir: tmp.path }).run(workflow('retried-killed', s))
    assert.equal(
      r.step('k').attempts.map((a) => [a.exitCode, a.signal]),
      [
        [137, 'SIGKILL'],
        [137, 'SIGKILL'],
      ],
    )
  })

  test('dflow steps shows the signal', async () => {
    const r = await local({ runsDir: tmp.path }).run(workflow('cli-killed', step('k', killer, { signal: 'KILL' })))
    const out = dflow('steps', r.dir).out
    assert.match(out, /k +Failed .*killed by SIGKILL \(exit code 137\)/)
  })
  test.run()
}
