import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dispatcher } from 'dflow-ts/dispatcher'
import { folderStore, local } from 'dflow-ts/local'
import { exampleArtifacts, loadExample } from '../helpers/examples.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { outcomeOf } from '../conformance/outcome.ts'
import { tempDir } from '../helpers/tmp.ts'

// The dispatcher's artifacts, on the shell system in the run folder: fan-ins of a fan-out's artifacts
// (stacked by the executor), stacked slice artifacts, slices of list artifacts (each call staged its part), workflow artifacts, and a run's store (outputs committed
// to it, fan-ins stacked in it, inputs staged from it) — each as on local().
const test = suite('dispatcher: artifacts (fan-in, slices, workflow artifacts, a store)')
const tmp = tempDir('dispatcher-artifacts')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }
const example = (name: string) => loadExample(join(repoRoot, 'examples', name))

for (const name of ['artifacts/fan-in.ts', 'slices/artifact-slices.ts', 'slices/group-artifacts.ts', 'artifacts/workflow-artifacts.ts', 'slices/subpath-slices.ts', 'slices/makevasp.ts']) {
  test(`${name} runs as shell jobs with the outcome it has locally`, async () => {
    const wf = await example(name)
    const artifacts = exampleArtifacts(wf, tmp.path)
    const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf, { artifacts })
    assert.equal(run.status, 'Succeeded', run.message)
    assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf, { artifacts })))
  })
}

test('with a store, outputs are committed to it and fan-ins stacked in it; the next steps stage them from it', async () => {
  const wf = await example('artifacts/fan-in.ts')
  const store = folderStore(join(tmp.path, 'store'))
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick, store }).run(wf)
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
  const at = run.step('square(2)').record.outputs.artifacts['out']
  assert.equal(at?.store, store.id, JSON.stringify(at))
  assert.equal(at?.key, `${run.id}/square=2/out`)
  assert.equal(run.step('total').record.inputs.artifacts['parts']?.key, `${run.id}/square/out`, 'the fan-in is stacked in the store')
  assert.not.ok(existsSync(join(run.dir, 'fan-in')), 'not in the run folder')
  assert.equal(run.step('total').outputs.sum, 30)
})

test.run()
