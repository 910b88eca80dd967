import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
import { dispatcher } from 'dflow-ts/dispatcher'
import type { RunEvent } from 'dflow-ts/local'
import { context as progressingFn } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { sshScratch } from './support/ssh.ts'

// Over SSH (user hpcuser, who cannot read this machine's temporary folders): a template's packages are sent
// to the run's folder on the login node and put on the jobs' NODE_PATH and PYTHONPATH; running jobs'
// progress files are read back (one command for all of them per poll), and their last value at the end.
const test = suite('dispatcher: packages and progress over SSH')
const tmp = tempDir('dispatcher-packages-ssh')
const quick = { poll: { initialMs: 100, maxMs: 500 } }
const progressOf = (events: RunEvent[], id: string) => events.flatMap((e) => (e.type === 'step' && e.step.id === id && e.step.phase === 'Running' && e.step.progress ? [e.step.progress] : []))

if (serviceUp('sshd', 'the dispatcher\'s packages and progress over SSH')) {
  const { ctx, end } = sshScratch('packages-ssh')
  test.after(async () => {
    await end()
    tmp.cleanup()
  })

  test('a script\'s packages (a python package and a node module) reach the remote job, which imports them', async () => {
    const dir = join(tmp.path, 'pkgs', 'greet')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'index.js'), "exports.hello = (n) => 'hello ' + n\n")
    writeFileSync(join(dir, '__init__.py'), "def hello(n):\n    return 'hello ' + n\n")
    const greet = shell({
      name: 'greet',
      packages: [dir],
      outputs: { js: param(t.string, { path: 'js.txt' }), py: param(t.string, { path: 'py.txt' }) },
      script: () => sh`node -e "console.log(require('greet').hello('js'))" > js.txt; python3 -c "import greet; print(greet.hello('py'))" > py.txt`,
    })
    const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, context: ctx, politeness: quick }).run(workflow('packaged', step('g', greet)))
    assert.equal(run.status, 'Succeeded', run.message)
    assert.equal(run.step('g').outputs.js, 'hello js')
    assert.equal(run.step('g').outputs.py, 'hello py')
  })

  test('progress of a script and of a function OP running remotely is read back live, and the last value kept', async () => {
    const s = shell({ name: 'prog', script: () => sh`echo 1/4 > "$DFLOW_PROGRESS_FILE"; sleep 2; echo 4/4 > "$ARGO_PROGRESS_FILE"; sleep 0.5` })
    const events: RunEvent[] = []
    const wf = workflow('progress-ssh', step('s', s))
    const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, context: ctx, politeness: quick, progressPollMs: 200, onEvent: (e) => events.push(e) }).run(wf)
    assert.equal(run.status, 'Succeeded', run.message)
    assert.ok(progressOf(events, 's').includes('1/4'), `live: ${progressOf(events, 's').join(', ')}`)
    assert.equal(run.step('s').progress, '4/4')
    const fnRun = await dispatcher({ batch: 'shell', runsDir: tmp.path, context: ctx, politeness: quick, progressPollMs: 200 }).run(workflow('progress-fn', step('c', progressingFn, { pause: 0.1 })))
    assert.equal(fnRun.status, 'Succeeded', fnRun.message)
    assert.equal(fnRun.step('c').progress, '3/3')
  })
} else test.after(tmp.cleanup)

test.run()
