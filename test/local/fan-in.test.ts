import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, forEach, key, param, sh, shell, step, stdout, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { sumOp } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: fan-in to typed inputs')
const tmp = tempDir('fan-in')
test.after(tmp.cleanup)

const gen = shell({ name: 'gen', outputs: { list: stdout(t.array(t.number)) }, script: () => sh`echo '[1, 2, 3, 4]'` })
/** Fails its first attempt (a counter file in the run's temporary folder), then squares its input. */
const square = shell({
  name: 'square',
  inputs: { n: param(t.number), dir: param(t.string) },
  outputs: { sq: param(t.number, { path: 'sq' }) },
  script: ({ n, dir }, o) => sh`f=${dir}/count-${n}; c=$(cat "$f" 2>/dev/null || echo 0); echo $((c + 1)) > "$f"; [ "$c" -ge 1 ] || exit 1; echo $((${n} * ${n})) > ${o.sq}`,
})
const sum = shell({ name: 'sum', inputs: { xs: param(t.array(t.number)) }, outputs: { total: stdout(t.number) }, script: ({ xs }) => sh`printf '%s' ${xs} | tr -d '[]"' | tr ',' '\n' | awk '{ s += $1 } END { print s }'` })

test("a fan-out's list output feeds a typed list input of a script and of a function OP; keys and retries per call", async () => {
  const g = step('gen', gen)
  const fan = forEach(g.outputs.list, (n) => step('square', square, { n, dir: tmp.path }, { key: key`sq-${n}`, retry: { limit: 2 } }))
  const wf = workflow('fan-in', dag(g, fan, step('total', sum, { xs: fan.outputs.sq }), step('total-fn', sumOp, { xs: fan.outputs.sq })))
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('square').outputs['sq'], [1, 4, 9, 16])
  assert.is(run.step('total').outputs['total'], 30)
  assert.is(run.step('total-fn').outputs['total'], 30)
  for (const n of [1, 2, 3, 4]) {
    const s = run.step({ key: `sq-${n}` })
    assert.is(s.outputs['sq'], n * n)
    assert.equal(s.attempts?.map((a) => a.phase), ['Failed', 'Succeeded'])
  }
})

test.run()
