import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
import { dispatcher, localContext, type Context } from 'dflow-ts/dispatcher'
import { local, type RunEvent } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

// A template's shipped packages and a step's progress on the dispatcher, as on local(): the packages'
// folders on NODE_PATH and PYTHONPATH (sent to the jobs' side when it is another machine), and the progress
// file the step writes read back live and at the end. "Another machine" here is this file system under another
// root and name (the executor copies folders there as over SSH); the SSH test is packages-ssh.heavy.test.ts.
const test = suite('dispatcher: shipped packages and progress')
const tmp = tempDir('dispatcher-packages')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }
const elsewhere = (root: string): Context => ({ ...localContext({ root }), name: 'elsewhere' })

/** A package folder `greet` (a node module and a python package) in a folder of its own. */
const greetPackage = (): string => {
  const dir = join(tmp.path, 'pkgs', 'greet')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.js'), "exports.hello = (n) => 'hello ' + n\n")
  writeFileSync(join(dir, '__init__.py'), "def hello(n):\n    return 'hello ' + n\n")
  return dir
}

const packaged = () => {
  const greet = shell({
    name: 'greet',
    packages: [greetPackage()],
    outputs: { js: param(t.string, { path: 'js.txt' }), where: param(t.string, { path: 'where.txt' }) },
    script: () => sh`node -e "console.log(require('greet').hello('js'))" > js.txt; printf '%s' "$NODE_PATH" > where.txt`,
  })
  return workflow('packaged', step('g', greet))
}

test('a template\'s packages are on NODE_PATH for its jobs in the run folder, as locally', async () => {
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(packaged())
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(run.step('g').outputs.js, 'hello js')
  assert.equal(run.step('g').outputs.where, (await local({ runsDir: tmp.path }).run(packaged())).step('g').outputs.where)
})

test('on another machine the packages are sent to the run\'s folder there, which the jobs\' NODE_PATH names', async () => {
  const remote = join(tmp.path, 'remote')
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, context: elsewhere(remote), politeness: quick }).run(packaged())
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(run.step('g').outputs.js, 'hello js')
  assert.match(String(run.step('g').outputs.where), new RegExp(`^${remote}/.*/packages/[0-9a-f]{12}$`))
})

const progressing = () =>
  workflow('progressing', step('p', shell({ name: 'prog', script: () => sh`echo 1/4 > "$DFLOW_PROGRESS_FILE"; sleep 1.5; echo 4/4 > "$ARGO_PROGRESS_FILE"; sleep 0.3` })))
const progressOf = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'step' && e.step.id === 'p' && e.step.phase === 'Running' && e.step.progress ? [e.step.progress] : []))

for (const where of ['the run folder', 'another machine'] as const) {
  test(`a job's progress file is read back while it runs and at its end (${where})`, async () => {
    const events: RunEvent[] = []
    const context = where === 'another machine' ? { context: elsewhere(join(tmp.path, 'remote-progress')) } : {}
    const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick, progressPollMs: 100, onEvent: (e) => events.push(e), ...context }).run(progressing())
    assert.equal(run.status, 'Succeeded', run.message)
    assert.ok(progressOf(events).includes('1/4'), `live progress: ${progressOf(events).join(', ')}`)
    assert.equal(run.step('p').progress, '4/4')
  })
}

test.run()
