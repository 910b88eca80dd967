import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { sh, shell, step, workflow } from 'dflow-ts'
import { local, type RunEvent } from 'dflow-ts/local'
import { context } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: progress')
const tmp = tempDir('progress')
test.after(tmp.cleanup)

const progressOf = (events: RunEvent[], id: string) => events.flatMap((e) => (e.type === 'step' && e.step.id === id && e.step.phase === 'Running' && e.step.progress ? [e.step.progress] : []))

test('a function OP reports progress live and in the step journal', async () => {
  const events: RunEvent[] = []
  const run = await local({ runsDir: tmp.path, progressPollMs: 20, onEvent: (e) => events.push(e) }).run(workflow('p', step('c', context, { pause: 0.15 })))
  assert.is(run.status, 'Succeeded', run.message)
  const seen = progressOf(events, 'c')
  assert.ok(seen.includes('1/3') && seen.includes('2/3'), `live progress: ${seen.join(', ')}`)
  const journal = readFileSync(`${run.dir}/steps.jsonl`, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
  assert.is(journal.filter((r) => r.id === 'c').at(-1).progress, '3/3')
})

test('a shell script reports progress through the file named by DFLOW_PROGRESS_FILE (or ARGO_PROGRESS_FILE)', async () => {
  const s = shell({ name: 'prog', script: () => sh`echo 1/4 > "$DFLOW_PROGRESS_FILE"; sleep 0.15; echo 4/4 > "$ARGO_PROGRESS_FILE"; sleep 0.1` })
  const events: RunEvent[] = []
  const run = await local({ runsDir: tmp.path, progressPollMs: 20, onEvent: (e) => events.push(e) }).run(workflow('sp', step('s', s)))
  assert.is(run.status, 'Succeeded', run.message)
  assert.ok(progressOf(events, 's').includes('1/4'))
  assert.is(run.step('s').progress, '4/4')
})

test.run()
