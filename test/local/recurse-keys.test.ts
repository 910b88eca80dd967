import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expr, forEach, key, MAX_DEPTH, param, recurse, seq, sh, shell, step, t, when, workflow, type Workflow } from 'dflow-ts'
import { local, openRun, type Run } from 'dflow-ts/local'
import e5 from '../../examples/control/recurse.ts'
import recursiveForLoop from '../../examples/argo/recursive-for-loop.ts'
import coinflipRecursive from '../../examples/argo/coinflip-recursive.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: recursion and keys')
const tmp = tempDir('recurse')
test.after(tmp.cleanup)

const run = (wf: Workflow<any>, parameters: Record<string, unknown> = {}): Promise<Run> => local({ runsDir: tmp.path }).run(wf, { parameters })

test('E5: pods keyed iter-0 … iter-4, four next calls, the fifth Skipped', async () => {
  const r = await run(e5)
  assert.is(r.status, 'Succeeded', r.message)
  const pods = r.steps({ type: 'Pod' })
  assert.equal(pods.map((s) => s.key), ['iter-0', 'iter-1', 'iter-2', 'iter-3', 'iter-4'])
  assert.equal(pods.map((s) => [s.inputs.iter, s.outputs.iter]), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
  const next = r.steps({ name: 'next' })
  assert.equal(next.map((s) => s.phase), ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Skipped'])
  assert.equal(next.slice(0, 4).map((s) => s.inputs.iter), [1, 2, 3, 4])
  assert.is(r.step({ key: 'iter-4' }).outputs.iter, 5)
  // the same query on the run folder read back
  assert.is((await openRun(r.dir)).step({ key: 'iter-2' }).record.outputs.values.iter, 3)
})

test('recursive-for-loop: 1 … 10 in ten nested levels', async () => {
  const r = await run(recursiveForLoop)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(r.steps({ name: 'iterate-counter' }).map((s) => s.outputs.result), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  assert.is(r.steps({ name: 'continue', phase: 'Skipped' }).length, 1)
})

test('coinflip-recursive: tails, tails, heads from seed 1; heads at once from seed 3', async () => {
  const r = await run(coinflipRecursive)
  assert.equal(r.steps({ name: 'flip-coin' }).map((s) => s.outputs.result), ['tails', 'tails', 'heads'])
  assert.is(r.step({ name: 'heads', phase: 'Succeeded' }).id, 'coinflip.tails.tails.heads')
  const once = await run(coinflipRecursive, { seed: 3 })
  assert.is(once.steps({ name: 'flip-coin' }).length, 1)
})

const countdown = shell({ name: 'countdown', inputs: { n: param(t.number) }, outputs: { n: param(t.number, { path: 'n.txt' }) }, script: ({ n }, o) => sh`echo $((${n} - 1)) > ${o.n}` })

test(`recursion deeper than MAX_DEPTH (${MAX_DEPTH}) fails with a clear error`, async () => {
  const forever = recurse({
    name: 'forever',
    inputs: { n: param(t.number) },
    body: ({ n }, self) => {
      const c = step('c', countdown, { n })
      return seq(c, when(expr`${c.outputs.n} != 0`, step('again', self, { n: c.outputs.n })))
    },
  })
  const r = await local({ runsDir: tmp.path, parallelism: 8 }).run(workflow('forever', step('top', forever, { n: -1 })))
  assert.is(r.status, 'Failed')
  const err = r.steps({ phase: 'Error' })
  assert.is(err.length, 1)
  assert.match(err[0]!.message!, `recursion deeper than ${MAX_DEPTH} nested calls (template "forever")`)
})

test('a key used twice in a run fails the second step', async () => {
  const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
  const r = await run(workflow('dup-keys', forEach(['a', 'a'], (item) => step('e', echo, { m: item }, { key: key`k-${item}` }))))
  assert.is(r.status, 'Failed')
  assert.match(r.steps({ phase: 'Error' })[0]!.message!, 'key "k-a" is already used by step e(')
  const ok = await run(workflow('keys', forEach(['a', 'b'], (item) => step('e', echo, { m: item }, { key: key`k-${item}` }))))
  assert.is(ok.step({ key: 'k-b' }).log().trim(), 'b')
})

test.run()
