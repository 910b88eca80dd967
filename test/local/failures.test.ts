import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, DflowError, par, param, seq, sh, shell, step, t, workflow, type ParamSpec } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { failer, inc, sleeper } from '../helpers/templates.ts'
import { processesWith } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * Every failure path, with steps started through the launcher (the default) and directly: both must stop
 * and clean up the same way.
 */
const failures = (spawn: 'launcher' | 'direct', k: number): void => {
  const test = suite(`local: failures (${spawn} start)`)
  const tmp = tempDir(`fail-${spawn}`)
  test.after(tmp.cleanup)
  const runner = local({ runsDir: tmp.path, parallelism: 4, killGraceSeconds: 1, spawn })

  test('a failing step fails its parent and the workflow, with its exit code and output tail', async () => {
    const r = await runner.run(workflow('fail-seq', seq(step('ok', inc, { n: 1 }), step('bad', failer, { code: 7, text: 'it broke here' }), step('never', inc, { n: 2 }))))
    assert.is(r.status, 'Failed')
    const bad = r.step('bad')
    assert.is(bad.phase, 'Failed')
    assert.is(bad.exitCode, 7)
    assert.match(bad.message ?? '', /exit code 7: it broke here/)
    assert.match(r.message ?? '', /step bad failed: exit code 7: it broke here/)
    assert.equal(r.steps({ name: 'never' }), [])
    // The next step's folder is made while the step before runs; one that never ran is removed again.
    assert.ok(existsSync(join(r.dir, 'steps', 'ok', 'workdir')))
    assert.not.ok(existsSync(join(r.dir, 'steps', 'never')), 'no folder for a step that never ran')
  })

  test('a dag task that never ran after a failure leaves no folder behind', async () => {
    const a = step('a', failer, { code: 3 })
    const b = step('b', inc, { n: 1 }, { dependsOn: [a] })
    const r = await runner.run(workflow('fail-dag-folders', dag(a, b)))
    assert.is(r.status, 'Failed')
    assert.equal(r.steps({ name: 'b' }), [])
    assert.not.ok(existsSync(join(r.dir, 'steps', 'b')))
  })

  test('a failure stops no running sibling: the group fails once they have ended (as an Argo step group)', async () => {
    const marker = `1.${process.pid}${k}7`
    const slow = shell({ name: 'slow-tree', script: () => sh`sleep ${marker} & sleep ${marker}; wait; echo done` })
    const r = await runner.run(workflow('fail-par', par(step('slow', slow), seq(step('pause', sleeper, { seconds: 0.3 }), step('bad', failer)))))
    assert.is(r.status, 'Failed')
    assert.is(r.step('slow').phase, 'Succeeded', r.step('slow').message)
    assert.match(r.message ?? '', /step bad failed/)
    assert.equal(processesWith(marker), [])
  })

  test('a dag failure lets running tasks end and starts no new ones', async () => {
    // a fails while b runs; b ends Succeeded; c (after a) and d (after b, ready only after the failure) never start
    const pause = step('pause', sleeper, { seconds: 0.3 })
    const a = step('a', failer, {}, { dependsOn: [pause] })
    const b = step('b', sleeper, { seconds: 1.5 })
    const c = step('c', inc, { n: 1 }, { dependsOn: [a] })
    const d = step('d', inc, { n: 1 }, { dependsOn: [b] })
    const r = await runner.run(workflow('fail-dag', dag(pause, a, b, c, d)))
    assert.is(r.status, 'Failed')
    assert.is(r.step('b').phase, 'Succeeded', r.step('b').message)
    assert.equal(r.steps({ name: 'c' }), [])
    assert.equal(r.steps({ name: 'd' }), [])
  })

  test('dag.withOptions({ failFast: false }): after a failure the tasks that do not need it still start; the dag fails', async () => {
    const pause = step('pause', sleeper, { seconds: 0.3 })
    const a = step('a', failer, {}, { dependsOn: [pause] })
    const b = step('b', sleeper, { seconds: 1 })
    const c = step('c', inc, { n: 1 }, { dependsOn: [a] })
    const d = step('d', inc, { n: 1 }, { dependsOn: [b] })
    const r = await runner.run(workflow('lenient-dag', dag.withOptions({ failFast: false })(pause, a, b, c, d)))
    assert.is(r.status, 'Failed')
    assert.match(r.message ?? '', /step a failed/)
    assert.is(r.step('d').phase, 'Succeeded')
    assert.is(r.step('c').phase, 'Omitted')
  })

  test('continueOn.failed lets the workflow go on; dag dependents of the failure run (as on Argo)', async () => {
    const bad = step('bad', failer, {}, { continueOn: { failed: true } })
    const r1 = await runner.run(workflow('continue-seq', seq(bad, step('after', inc, { n: 1 }))))
    assert.is(r1.status, 'Succeeded', r1.message)
    assert.is(r1.step('bad').phase, 'Failed')
    assert.is(r1.step('after').outputs.n, 2)

    const dep = step('dep', inc, { n: 1 }, { dependsOn: [bad] })
    const free = step('free', inc, { n: 1 })
    const r2 = await runner.run(workflow('continue-dag', dag(bad, dep, free)))
    assert.is(r2.status, 'Succeeded', r2.message)
    assert.is(r2.step('dep').phase, 'Succeeded')
    assert.is(r2.step('free').phase, 'Succeeded')
  })

  test('outputs: a missing file falls back to the default, or errors without one; a bad value errors', async () => {
    const mk = (name: string, spec: ParamSpec<any, boolean>, body: string) =>
      shell({ name, outputs: { v: spec }, script: () => sh`${sh.unsafeRaw(body)}` })
    const withDefault = mk('with-default', param(t.string, { path: 'missing.txt', default: 'Foobar' }), 'true')
    const noDefault = mk('no-default', param(t.string, { path: 'missing.txt' }), 'true')
    const notNumber = mk('not-number', param(t.number, { path: 'v.txt' }), 'echo abc > v.txt')
    const r1 = await runner.run(workflow('out-default', step('a', withDefault)))
    assert.is(r1.step('a').outputs.v, 'Foobar')
    const r2 = await runner.run(workflow('out-missing', step('a', noDefault)))
    assert.is(r2.status, 'Failed')
    assert.is(r2.step('a').phase, 'Error')
    assert.match(r2.step('a').message ?? '', /output parameter "v": missing.txt was not written/)
    const r3 = await runner.run(workflow('out-bad', step('a', notNumber)))
    assert.is(r3.step('a').phase, 'Error')
    assert.match(r3.step('a').message ?? '', /expected number, got "abc"/)
  })

  test('the integer guard stops a non-integer from reaching $((…))', async () => {
    const arith = shell({ name: 'arith', inputs: { n: param(t.string) }, script: ({ n }) => sh`echo $((${n} + 1))` })
    const r = await runner.run(workflow('guard', step('a', arith, { n: '1; touch /tmp/pwned' })))
    assert.is(r.step('a').phase, 'Failed')
    assert.is(r.step('a').exitCode, 2)
    assert.match(r.step('a').message ?? '', /input n must be an integer/)
  })

  test('a command that cannot start is an Error, not a crash', async () => {
    const missing = shell({ name: 'missing-cmd', command: ['/nonexistent/interpreter'], script: () => sh`true` })
    const r = await runner.run(workflow('no-cmd', step('a', missing)))
    assert.is(r.status, 'Failed')
    assert.is(r.step('a').phase, 'Error')
    assert.match(r.step('a').message ?? '', /could not start/)
  })

  test('a script that leaves a background job does not hang, and the job is stopped', async () => {
    const marker = `32.${process.pid}${k}3`
    const bg = shell({ name: 'bg', script: () => sh`sleep ${marker} & echo started` })
    const t0 = Date.now()
    const r = await runner.run(workflow('bg-job', step('a', bg)))
    assert.is(r.status, 'Succeeded')
    assert.ok(Date.now() - t0 < 5_000)
    assert.equal(processesWith(marker), [])
  })

  test('an abort signal stops the run and every process it started', async () => {
    const marker = `33.${process.pid}${k}1`
    const slow = shell({ name: 'slow', script: () => sh`sleep ${marker}` })
    const ctl = new AbortController()
    setTimeout(() => ctl.abort('terminated by test'), 400)
    const r = await runner.run(workflow('aborted', par(step('a', slow), step('b', slow))), { signal: ctl.signal })
    assert.is(r.status, 'Failed')
    assert.is(r.step('a').phase, 'Failed')
    assert.match(r.step('a').message ?? '', /terminated by test/)
    assert.equal(processesWith(marker), [])
  })

  test('an invalid workflow is rejected before anything runs, with every problem', async () => {
    const a = step('a', inc, { n: 1 })
    const b = step('b', inc, { n: a.outputs.n })
    try {
      await runner.run(workflow('Bad_Name', par(a, b)))
      assert.unreachable('should have been rejected')
    } catch (e) {
      assert.instance(e, DflowError)
      const messages = (e as DflowError).problems.map((p) => p.message).join('\n')
      assert.match(messages, /workflow name "Bad_Name"/)
      assert.match(messages, /step "a" is not upstream/)
    }
  })

  test.run()
}

failures('launcher', 1)
failures('direct', 2)
