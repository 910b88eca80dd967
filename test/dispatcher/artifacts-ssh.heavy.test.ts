import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dispatcher } from 'dflow-ts/dispatcher'
import { folderStore, local } from 'dflow-ts/local'
import { exampleArtifacts, loadExample } from '../helpers/examples.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { outcomeOf } from '../conformance/outcome.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { sshScratch } from './support/ssh.ts'

// The dispatcher's artifacts over SSH (user hpcuser of the test sshd, shell jobs on the "login node"): inputs
// staged from the run's store into the job's folder and sent by one tar stream, outputs fetched back the same
// way and committed to the store; fan-ins stacked in the store and staged to the next job as real files.
const test = suite('dispatcher: artifacts over SSH, with a store')
const tmp = tempDir('dispatcher-artifacts-ssh')
const quick = { poll: { initialMs: 100, maxMs: 500 } }
const example = (name: string) => loadExample(join(repoRoot, 'examples', name))

if (serviceUp('sshd', 'the dispatcher\'s artifacts over SSH')) {
  const { ctx, end } = sshScratch('artifacts-ssh')
  test.after(async () => {
    await end()
    tmp.cleanup()
  })
  for (const name of ['artifacts/fan-in.ts', 'slices/artifact-slices.ts', 'artifacts/workflow-artifacts.ts', 'slices/subpath-slices.ts', 'slices/makevasp.ts']) {
    test(`${name} over SSH with a folder store: the local outcome, every output artifact committed to the store`, async () => {
      const wf = await example(name)
      const artifacts = exampleArtifacts(wf, tmp.path)
      const store = folderStore(join(tmp.path, `store-${randomBytes(3).toString('hex')}`))
      const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, context: ctx, store, politeness: quick }).run(wf, { artifacts })
      assert.equal(run.status, 'Succeeded', run.message)
      assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf, { artifacts })))
      const outputs = run.steps().filter((s) => s.type === 'Pod').flatMap((s) => Object.values(s.record.outputs.artifacts))
      assert.ok(outputs.length > 0)
      for (const at of outputs) assert.equal(at?.store, store.id, JSON.stringify(at))
    })
  }
} else test.after(tmp.cleanup)

test.run()
