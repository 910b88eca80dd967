import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { artifact, artifactList, dag, DflowError, fn, forEach, key, par, param, seq, sh, shell, step, stdout, subflow, t, validate, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { folderStore, formatRef, parseRef } from 'dflow-ts/storage'
import { firstLines, sumOp } from '../helpers/fn-ops.ts'
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


test('fan-in of artifacts: an artifactList() input gets one entry per call that succeeded, named by item index, with a dflow catalog; a function OP gets the list in item order', async () => {
  const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`[ ${n} != b ] || exit 3; echo ${n} > f.txt` })
  const catAll = shell({ name: 'cat-all', inputs: { fs: artifactList() }, outputs: { out: stdout(t.string) }, script: ({ fs }) => sh`cd ${fs} && ls && cat 0 2 10 && cat .dflow/catalog` })
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']
  const fan = forEach(items, (n) => step('mk', mk, { n }), { continueOnNumSuccess: 10 })
  const wf = workflow('fan-in-list', seq(fan, par(step('join', catAll, { fs: fan.outputs.f }), step('join-fn', firstLines, { files: fan.outputs.f }))))
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  const present = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  assert.is(
    run.step('join').outputs['out'],
    `${present.map(String).sort().join('\n')}\na\nc\nk\n{"path_list": [${present.map((i) => `{"dflow_list_item": "${i}", "order": ${i}}`).join(', ')}]}`,
  )
  assert.equal(run.step('join-fn').outputs['lines'], ['a', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'])
  // one list artifact, laid out once in the run folder (both readers' records hold it), each entry the call's own file
  const stacked = run.step('join').record.inputs.artifacts['fs']
  assert.equal(stacked, run.step('join-fn').record.inputs.artifacts['files'])
  assert.is(stacked?.path, join(run.dir, 'fan-in', 'mk', 'f'))
  assert.is(realpathSync(join(stacked!.path!, '2')), realpathSync(run.step('mk(2)').record.outputs.artifacts['f']!.path!))
})

test('fan-in of a fan-out over nothing is an empty list artifact; a fan-out whose calls all fail gives the reader an empty list too', async () => {
  const mk = shell({ name: 'mk', inputs: { n: param(t.number) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt; exit ${n}` })
  const count = shell({ name: 'count', inputs: { fs: artifactList() }, outputs: { n: stdout(t.number) }, script: ({ fs }) => sh`ls ${fs} | wc -l` })
  const empty = forEach([] as number[], (n) => step('mk', mk, { n }))
  const failing = forEach([1, 2], (n) => step('bad', mk, { n }), { continueOnNumSuccess: 0 })
  const wf = workflow('fan-in-none', seq(empty, failing, par(step('none', count, { fs: empty.outputs.f }), step('failed', count, { fs: failing.outputs.f }))))
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('none').outputs['n'], 0)
  assert.is(run.step('failed').outputs['n'], 0)
})

test('a fan-in that cannot be stacked ends its reader Error naming the fan-out and the store\'s reason; nothing runs with it', async () => {
  const inner = folderStore(join(tmp.path, 'stack-fails'))
  const store = { ...inner, stack: () => Promise.reject(new Error('the disk is full')) }
  const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt` })
  const count = shell({ name: 'count', inputs: { fs: artifactList() }, outputs: { n: stdout(t.number) }, script: ({ fs }) => sh`ls ${fs} | wc -l` })
  const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))
  const run = await local({ runsDir: tmp.path, store }).run(workflow('fan-in-fails', seq(fan, step('count', count, { fs: fan.outputs.f }))))
  assert.is(run.status, 'Failed')
  const c = run.step('count')
  assert.is(c.phase, 'Error')
  assert.is(c.message, 'the fan-in of artifact "f" of fan-out mk could not be stacked: the disk is full')
  assert.is(c.record.attempts, undefined)
  assert.not.ok(existsSync(join(run.dir, 'steps', 'count', 'log.txt')), 'the reader never ran')
})

test('workflow artifacts: given as a path or as a stored location, read by the body like parameters; a required one not given is refused naming it', async () => {
  const wc = shell({ name: 'wc', inputs: { file: artifact() }, outputs: { n: stdout(t.number) }, script: ({ file }) => sh`wc -l < ${file}` })
  const wf = workflow('wf-art', ({ data }) => step('wc', wc, { file: data }), { artifacts: { data: artifact() } })
  writeFileSync(join(tmp.path, 'three.txt'), '1\n2\n3\n')
  const byPath = await local({ runsDir: tmp.path, baseDir: tmp.path }).run(wf, { artifacts: { data: 'three.txt' } })
  assert.is(byPath.status, 'Succeeded', byPath.message)
  assert.is(byPath.step('wc').outputs['n'], 3)
  const store = folderStore(join(tmp.path, 'store'))
  const { at } = await store.put(join(tmp.path, 'three.txt'), 'inputs/three')
  // a REF of another store (the run has none): read with the store it names
  const byRef = await local({ runsDir: tmp.path }).run(wf, { artifacts: { data: parseRef(formatRef(at)) } })
  assert.is(byRef.status, 'Succeeded', byRef.message)
  assert.is(byRef.step('wc').outputs['n'], 3)
  assert.equal(byRef.step('wc').record.inputs.artifacts['file'], { store: store.id, key: 'inputs/three' })
  let refused: unknown
  await local({ runsDir: tmp.path }).run(wf).catch((e: unknown) => (refused = e))
  assert.ok(refused instanceof DflowError, 'the run is refused')
  assert.equal((refused as DflowError).problems.map((p) => [p.path, p.message, p.hint]), [[['wf-art', 'artifacts', 'data'], 'artifact "data" has no value', 'pass { artifacts: { data: … } }']])
  const missing = await local({ runsDir: tmp.path }).run(wf, { artifacts: { data: parseRef(`${store.id}#inputs/never`) } })
  assert.is(missing.step('wc').phase, 'Error')
  assert.match(missing.step('wc').message ?? '', 'key "inputs/never"')
})

test.run()
