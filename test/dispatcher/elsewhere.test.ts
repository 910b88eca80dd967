import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { sh, shell, step, workflow } from 'dflow-ts'
import { dispatcher, localContext, type Context } from 'dflow-ts/dispatcher'
import { local } from 'dflow-ts/local'
import { loadExample } from '../helpers/examples.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { outcomeOf } from '../conformance/outcome.ts'
import { tempDir } from '../helpers/tmp.ts'

// The dispatcher with jobs on "another machine" without sshd: a context that is this machine's file system
// under another root, under another name, so that the executor copies each step's folder there and back as
// it does over SSH (the job cannot see the run folder). `slowPut` makes sending a folder take that long.
const test = suite('dispatcher: jobs whose folders are copied to another root')
const tmp = tempDir('dispatcher-elsewhere')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }

const elsewhere = (root: string, slowPutMs = 0): Context => {
  const inner = localContext({ root })
  return {
    ...inner,
    name: 'elsewhere',
    put: async (from, to, o) => {
      if (slowPutMs) await new Promise((r) => setTimeout(r, slowPutMs))
      return inner.put(from, to, o)
    },
  }
}

test('a fan-in of artifacts reaches the next job as files (not links to the run folder)', async () => {
  const wf = await loadExample(join(repoRoot, 'examples/artifacts/fan-in.ts'))
  const run = await dispatcher({ batch: 'shell', runsDir: join(tmp.path, 'runs'), context: elsewhere(join(tmp.path, 'remote')), politeness: quick }).run(wf)
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
})

test('a timeout that runs out while the step\'s folder is still being sent ends the call as a stopped one (Failed, SIGTERM, exit code 143)', async () => {
  const wf = workflow('slow-send', step('s', shell({ name: 'quick', script: () => sh`true` }), {}, { timeout: { seconds: 0.2 } }))
  const run = await dispatcher({ batch: 'shell', runsDir: join(tmp.path, 'runs'), context: elsewhere(join(tmp.path, 'remote-slow'), 1500), politeness: quick }).run(wf)
  const s = run.step('s')
  assert.equal(s.phase, 'Failed', s.message)
  assert.equal(s.exitCode, 143)
  assert.equal(s.record.job, undefined, 'no job was submitted')
})

test.run()
