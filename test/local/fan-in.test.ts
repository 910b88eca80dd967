import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, artifactList, dag, DflowError, forEach, key, param, seq, sh, shell, step, stdout, subflow, t, validate, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
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

test("a fan-out's output artifact cannot be read by a plain artifact input: a validation error with its path and a hint, never an empty path", async () => {
  const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt` })
  const cat = shell({ name: 'cat', inputs: { f: artifact() }, script: ({ f }) => sh`cat ${f}` })
  const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))
  const wf = workflow('fan-art', seq(fan, step('use', cat, { f: fan.outputs.f })))
  const [p, ...rest] = validate(wf)
  assert.equal(rest, [])
  assert.equal(p!.path, ['fan-art', 'use', 'args', 'f'])
  assert.match(p!.message, 'artifact "f" of fan-out "mk" has no single value')
  assert.match(p!.hint ?? '', 'artifactList()')
  let refused: unknown
  await local({ runsDir: tmp.path }).run(wf).catch((e: unknown) => (refused = e))
  assert.ok(refused instanceof DflowError)
  assert.throws(() => compile(wf), (e: unknown) => e instanceof DflowError && /has no single value/.test(e.message))
  // exposed from a subflow, the same
  const sub = subflow({ name: 'sub', body: () => ({ run: fan, outputs: { f: fan.outputs.f } }) })
  assert.match(validate(workflow('fan-art-sub', step('s', sub))).map((x) => x.message).join('\n'), 'artifact "f" of fan-out "mk" has no single value')
  // a fan-out whose artifact nobody reads is fine: each call keeps its own (run.step('mk(0)'))
  const alone = await local({ runsDir: tmp.path }).run(workflow('fan-art-alone', fan))
  assert.is(alone.status, 'Succeeded', alone.message)
  assert.ok(alone.step('mk(1)').record.outputs.artifacts['f']?.path?.endsWith('f.txt'))
})

test("fan-in of artifacts into an artifactList() input is refused by the local interpreter (not yet implemented), before anything runs; Argo compiles it", async () => {
  const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt` })
  const catAll = shell({ name: 'cat-all', inputs: { fs: artifactList() }, script: ({ fs }) => sh`cat ${fs}/*` })
  const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))
  const wf = workflow('fan-in-list', seq(fan, step('join', catAll, { fs: fan.outputs.f })))
  let refused: unknown
  await local({ runsDir: tmp.path }).run(wf).catch((e: unknown) => (refused = e))
  assert.ok(refused instanceof DflowError, 'the run is refused')
  assert.match((refused as DflowError).message, 'fan-in of artifact "f" of fan-out "mk" is not supported by this interpreter yet')
  assert.equal((refused as DflowError).problems.map((p) => p.path), [['fan-in-list', 'join', 'args', 'fs']])
  assert.ok(compile(wf).spec.templates.some((x) => x.name === 'cat-all'))
})

test('workflow artifacts are refused by the local interpreter (not yet implemented), naming the field', async () => {
  const wc = shell({ name: 'wc', inputs: { file: artifact() }, script: ({ file }) => sh`wc -l < ${file}` })
  const wf = workflow('wf-art', ({ data }) => step('wc', wc, { file: data }), { artifacts: { data: artifact() } })
  let refused: unknown
  await local({ runsDir: tmp.path }).run(wf).catch((e: unknown) => (refused = e))
  assert.ok(refused instanceof DflowError, 'the run is refused')
  assert.equal((refused as DflowError).problems.map((p) => [p.path, p.message]), [[['wf-art', 'artifacts'], 'workflow artifacts are not supported by this interpreter yet']])
})

test.run()
