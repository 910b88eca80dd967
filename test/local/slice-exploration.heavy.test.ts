import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { local } from 'dflow-ts/local'
import exploration, { deviation } from '../../examples/slices/exploration.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: a DP-GEN-like exploration (1,000 slices in groups of 50, a pool of 4)')
const tmp = tempDir('slice-exploration')
test.after(tmp.cleanup)

test('20 calls of 50 slices, 1,000 slice records, trajectories stacked in slice order, and the selection of the trust window', async () => {
  const run = await local({ runsDir: tmp.path }).run(exploration)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.steps({ name: /^explore\(/ }).length, 20)
  const slices = run.steps({ name: /^slice\(/ })
  assert.is(slices.length, 1000)
  assert.ok(slices.every((s) => s.phase === 'Succeeded'))
  assert.equal(new Set(slices.map((s) => s.record.parent)).size, 20)
  const md = run.step('explore').outputs as { id: number[]; trajectory: number[][]; dev: number[] }
  assert.equal(md.id, Array.from({ length: 1000 }, (_, i) => i))
  assert.is(md.trajectory.length, 1000)
  assert.ok(md.trajectory.every((tr) => tr.length === 10 && tr[0] === 1))
  // slice 417 (call explore(8), temperature 308.5 K) is where its record says
  const s417 = run.step('explore(8).slice(417)')
  assert.equal(s417.inputs, { id: 417, temp: 308.5 })
  assert.equal(s417.outputs.trajectory, md.trajectory[417])
  const want = Array.from({ length: 1000 }, (_, i) => i).filter((i) => deviation(100 + 0.5 * i) >= 0.3 && deviation(100 + 0.5 * i) < 0.6)
  assert.ok(want.length > 0 && want.length < 1000)
  assert.equal(run.step('select').outputs, { selected: want, frames: 10_000 })
})

test.run()
