import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, forEach, par, requiredSuccesses, seq, sh, shell, step, validate, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import successRatio from '../../examples/fn/success-ratio.ts'
import successRatioFanOut from '../../examples/fn/success-ratio-fanout.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: success thresholds')
const tmp = tempDir('threshold')
test.after(tmp.cleanup)

test('E15: items 3 and 4 fail, 3 of 5 succeed at ratio 0.6: Succeeded', async () => {
  const run = await local({ runsDir: tmp.path }).run(successRatio)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ phase: 'Failed' }).map((s) => s.id).sort(), ['hello0-3', 'hello0-4'])
  assert.is(run.steps({ phase: 'Succeeded' }).length, 3)
})

test('E15: three items fail: Failed, and the message gives the count', async () => {
  const run = await local({ runsDir: tmp.path }).run(successRatio, { parameters: { fail: [2, 3, 4] } })
  assert.is(run.status, 'Failed')
  assert.match(run.message ?? '', '2 of 5 succeeded, 3 needed')
})

test('a failing member does not stop its siblings under a threshold; continueOnNumSuccess counts', async () => {
  const quick = shell({ name: 'quick', script: () => sh`exit 1` })
  const slow = shell({ name: 'slow', script: () => sh`sleep 0.3` })
  const run = await local({ runsDir: tmp.path }).run(workflow('num', par.withOptions({ continueOnNumSuccess: 1 })(step('q', quick), step('s', slow))))
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('s').phase, 'Succeeded')
})

test('E15 as a fan-out: every item runs, 3 of 5 succeed at ratio 0.6: Succeeded, outputs of the items that succeeded', async () => {
  const run = await local({ runsDir: tmp.path }).run(successRatioFanOut)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ phase: 'Failed' }).map((s) => s.id).sort(), ['hello0(3)', 'hello0(4)'])
  assert.is(run.step('hello0').phase, 'Succeeded')
  assert.equal(run.step('hello0').outputs['item'], [0, 1, 2])
})

test('E15 as a fan-out: three items fail: the fan-out and the workflow fail with the count', async () => {
  const run = await local({ runsDir: tmp.path }).run(successRatioFanOut, { parameters: { fail: [2, 3, 4] } })
  assert.is(run.status, 'Failed')
  assert.is(run.step('hello0').phase, 'Failed')
  assert.match(run.step('hello0').message ?? '', '2 of 5 succeeded, 3 needed')
  assert.is(run.steps({ parent: 'hello0' }).length, 5)
})

test('a fan-out threshold: validated, and refused around a composite body', () => {
  const s = shell({ name: 'ok', script: () => sh`true` })
  const msgs = validate(workflow('bad', forEach([1, 2], () => step('a', s), { continueOnSuccessRatio: 2 }))).map((p) => p.message)
  assert.equal(msgs, ['continueOnSuccessRatio must be between 0 and 1, got 2'])
  assert.throws(
    () => forEach([1, 2], () => seq(step('a', s), step('b', s)), { name: 'per-item', continueOnNumSuccess: 1 } as never),
    (e: unknown) => e instanceof DflowError && /put the body in a subflow/.test(e.message),
  )
})

test('required successes: ratio rounds up, the larger of the two wins, none means all', () => {
  assert.is(requiredSuccesses({ continueOnSuccessRatio: 0.6 }, 5), 3)
  assert.is(requiredSuccesses({ continueOnSuccessRatio: 0.5 }, 5), 3)
  assert.is(requiredSuccesses({ continueOnSuccessRatio: 0.2, continueOnNumSuccess: 4 }, 5), 4)
  assert.is(requiredSuccesses(undefined, 5), 5)
})

test('validation rejects a ratio outside [0, 1] and a negative count, and bad retry settings', () => {
  const s = shell({ name: 'ok', script: () => sh`true` })
  const ps = validate(workflow('bad', par.withOptions({ continueOnSuccessRatio: 1.5, continueOnNumSuccess: -1 })(step('a', s, {}, { retry: { limit: -1 }, timeout: 0 }))))
  const msgs = ps.map((p) => p.message).join('\n')
  assert.match(msgs, 'continueOnSuccessRatio must be between 0 and 1')
  assert.match(msgs, 'continueOnNumSuccess must be a whole number')
  assert.match(msgs, 'retry limit must be a whole number')
  assert.match(msgs, 'timeout must be a positive number')
})

test("validation rejects a step-level retry on a call of a sub-workflow (it is the sub-workflow's), and a module that is not a URL", async () => {
  const { subflow, fn } = await import('dflow-ts')
  const s = shell({ name: 'ok', script: () => sh`true` })
  const sub = subflow({ name: 'sub', body: () => step('a', s) })
  const bad = fn({ name: 'bad-module', module: 'ops.ts' }, () => ({}))
  const msgs = validate(workflow('w', par(step('x', sub, {}, { retry: { limit: 1 } }), step('y', bad)))).map((p) => p.message).join('\n')
  assert.match(msgs, 'a call of a sub-workflow takes its retries from the sub-workflow')
  assert.match(msgs, 'module "ops.ts" is not a URL')
})

test.run()
