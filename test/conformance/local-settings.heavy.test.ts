import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { exampleArtifacts, exampleFiles, exampleName, loadExample } from '../helpers/examples.ts'
import { tempDir } from '../helpers/tmp.ts'
import { outcomeOf } from './outcome.ts'

// The conformance suite's first row: how the local interpreter is set up (one slot or four, staged copies
// or symlinks, processes started by the launcher or directly, warm or fresh fn workers) never changes what
// a workflow computes. Later rows compare other interpreters with the same reference run.
const test = suite('conformance: local settings do not change outcomes')
const tmp = tempDir('conformance-local')
test.after(tmp.cleanup)

/**
 * Examples whose outcome rightly depends on the number of slots, with the rule that makes it so. With one slot,
 * dag-task-level-timeout's C waits for B's slot, and B's timeout fails the dag first (failFast: no new task
 * starts after a failure — as on Argo with `parallelism: 1`).
 */
const SLOT_DEPENDENT = new Set(['examples/argo/dag-task-level-timeout.ts'])

/** Parameters that make a run independent of earlier runs: the retry examples count attempts in the file their `counter` names. */
const freshParameters = (wf: Workflow<any>, name: string, runNo: number): Record<string, unknown> =>
  'counter' in (wf.parameters ?? {}) ? { counter: `${tmp.path}/${name.replace(/\W/g, '-')}-${runNo}.count` } : {}

for (const file of exampleFiles()) {
  const name = exampleName(file)
  if (SLOT_DEPENDENT.has(name)) continue
  test(`${name}: parallelism 1 with copies, direct starts and fresh workers = parallelism 4 with symlinks and the launcher`, async () => {
    const wf = await loadExample(file)
    const reference = await outcomeOf(await local({ runsDir: tmp.path, parallelism: 4 }).run(wf, { parameters: freshParameters(wf, name, 1), artifacts: exampleArtifacts(wf, tmp.path) }))
    const settings = { runsDir: tmp.path, parallelism: 1, stage: 'copy', spawn: 'direct', reuseWorkers: false } as const
    const other = await outcomeOf(await local(settings).run(wf, { parameters: freshParameters(wf, name, 2), artifacts: exampleArtifacts(wf, tmp.path) }))
    assert.ok(Object.keys(reference.steps).length > 0, `${name} ran no step`)
    assert.equal(other, reference)
  })
}

test.run()
