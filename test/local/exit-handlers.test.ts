import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, status, step, t, workflow, workflowStatus } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import exitHandlers from '../../examples/argo/exit-handlers.ts'
import exitHandlerWithParam from '../../examples/argo/exit-handler-with-param.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: exit handlers and hooks')
const tmp = tempDir('exit-handlers')
test.after(tmp.cleanup)

test('exit-handlers: the handler reads the status and failures; cry runs, celebrate is Skipped; the run Fails', async () => {
  const r = await local({ runsDir: tmp.path }).run(exitHandlers)
  assert.is(r.status, 'Failed')
  assert.is(r.step('intentional-fail').log().trim(), 'intentional failure')
  const notify = r.step('notify').log().trim()
  assert.match(notify, new RegExp(`^send e-mail: ${r.id} Failed [0-9.]+\\. Failed steps \\[`))
  const failures = JSON.parse(notify.slice(notify.indexOf('['))) as { displayName: string; phase: string; templateName: string }[]
  assert.equal(failures.map((f) => [f.displayName, f.phase, f.templateName]), [['intentional-fail', 'Failed', 'intentional-fail']])
  assert.is(r.step('cry').log().trim(), 'boohoo!')
  assert.is(r.step('celebrate').phase, 'Skipped')
  assert.is(r.step('notify').id, 'onExit.exit-handler.notify')
  // a string is an id when one step has it, as `dflow steps` prints it; the same on the folder read back
  assert.is(r.step('onExit.exit-handler.notify').name, 'notify')
  assert.is((await openRun(r.dir)).step('onExit.exit-handler.cry').log().trim(), 'boohoo!')
  assert.is(r.step({ id: 'intentional-fail' }).phase, 'Failed')
})

test('the exit handler of a successful run sees Succeeded; a failing handler fails the run', async () => {
  const say = shell({ name: 'say', inputs: { s: param(t.string) }, script: ({ s }) => sh`echo ${s}; [ ${s} = Succeeded ]` })
  const ok = await local({ runsDir: tmp.path }).run(workflow('ok-exit', step('hi', shell({ name: 'hi', script: () => sh`true` })), { onExit: step('say', say, { s: workflowStatus }) }))
  assert.is(ok.status, 'Succeeded', ok.message)
  assert.is(ok.step('say').log().trim(), 'Succeeded')
  const bad = shell({ name: 'bad', script: () => sh`exit 4` })
  const r = await local({ runsDir: tmp.path }).run(workflow('bad-exit', step('hi', shell({ name: 'hi', script: () => sh`true` })), { onExit: step('bad', bad) }))
  assert.is(r.status, 'Failed')
  assert.match(r.message!, 'exit handler')
})

test('exit-handler-with-param: the hook receives the output of its step', async () => {
  const r = await local({ runsDir: tmp.path }).run(exitHandlerWithParam)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('exit').log().trim(), 'hello world')
  assert.is(r.step('exit').id, 'main.step-1.onExit')
})

test('a hook runs after a failed step too', async () => {
  const fail = shell({ name: 'fail', script: () => sh`exit 3` })
  const report = shell({ name: 'report', inputs: { s: param(t.string) }, script: ({ s }) => sh`echo ${s}` })
  const wf = workflow('hook-after-failure', step('f', fail, {}, { onExit: step('report', report, { s: status({ name: 'f' }) }) }))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Failed')
  assert.is(r.step('report').log().trim(), 'Failed')
})

test.run()
