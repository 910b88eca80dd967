import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { par, param, sh, shell, step, t, workflow } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: a 1000-wide fan-out')
const tmp = tempDir('fanout')
test.after(tmp.cleanup)

const square = shell({
  name: 'square',
  inputs: { i: param(t.number) },
  outputs: { sq: param(t.number) },
  script: ({ i }, o) => sh`echo $((${i} * ${i})) > ${o.sq}`,
})

test('1000 parallel steps leave a consistent run folder', async () => {
  const N = 1000
  const wf = workflow('fanout', par(...Array.from({ length: N }, (_, i) => step(`sq-${i}`, square, { i }))))
  const r = await local({ runsDir: tmp.path, parallelism: 4 }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  const back = await openRun(r.dir)
  const steps = back.steps()
  assert.is(steps.length, N)
  assert.ok(steps.every((s) => s.phase === 'Succeeded'))
  const values = new Map(steps.map((s) => [s.name, s.outputs.sq]))
  for (let i = 0; i < N; i++) assert.is(values.get(`sq-${i}`), i * i)
  // the journal holds complete JSON lines only, two per step (Running, Succeeded), and no temporary
  // file of an atomic write is left behind
  const lines = readFileSync(join(r.dir, 'steps.jsonl'), 'utf8').trimEnd().split('\n')
  assert.is(lines.length, 2 * N)
  const phases = lines.map((l) => JSON.parse(l).phase)
  assert.is(phases.filter((p) => p === 'Succeeded').length, N)
  assert.is(readdirSync(join(r.dir, 'steps')).length, N)
  assert.ok(!readdirSync(r.dir).some((f) => f.includes('.tmp-')))
  assert.equal(readdirSync(join(r.dir, 'scripts')), ['square'])
})

test.run()
