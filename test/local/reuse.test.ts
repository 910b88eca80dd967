import { join } from 'node:path'
import { key, param, seq, sh, shell, slice, step, t, workflow } from 'dflow-ts'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { local, modifyOutputs, openRun } from 'dflow-ts/local'
import recurse from '../../examples/control/recurse.ts'
import resubmit, { reuseOf } from '../../examples/control/recurse-reuse.ts'
import { dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * Reuse (dflow's `reuse_step`): a run given steps of an earlier run does not run the steps with those keys and
 * takes their recorded outputs, modified first where asked — dflow's E6, in the API and on the command line.
 */
const test = suite('local: reuse of earlier steps by key, with modified outputs')
const tmp = tempDir('reuse')
test.after(tmp.cleanup)
const runsDir = join(tmp.path, 'runs')

// By key: two reused records can carry the same instant, so the journal's order of them is not the recursion's.
const plus1s = (run: Awaited<ReturnType<ReturnType<typeof local>['run']>>) =>
  run
    .steps({ name: 'plus1' })
    .map((s) => [s.key, s.inputs.iter, s.outputs.iter, s.record.reused?.from ?? 'ran'] as const)
    .sort(([a], [b]) => String(a).localeCompare(String(b)))

test("E6: iter-0 and iter-1 reused (iter-1's output changed to 3): iter-3 and iter-4 run, no iter-2", async () => {
  const first = await local({ runsDir }).run(recurse)
  assert.is(first.status, 'Succeeded')
  const second = await local({ runsDir }).run(resubmit, { reuse: reuseOf(first) })
  assert.is(second.status, 'Succeeded')
  assert.equal(plus1s(second), [
    ['iter-0', 0, 1, 'reuse'],
    ['iter-1', 1, 3, 'reuse'],
    ['iter-3', 3, 4, 'ran'],
    ['iter-4', 4, 5, 'ran'],
  ])
  const nexts = second.steps({ name: 'next', phase: 'Succeeded' }).map((s) => s.inputs.iter)
  assert.equal(nexts, [1, 3, 4], 'three next nodes: inputs 1 (the reused chain), 3, 4')
  assert.is(second.step({ key: 'iter-1' }).record.reused?.step, first.step({ key: 'iter-1' }).id)
  // The reused steps ran no process: they have no log of their own.
  assert.is(second.step({ key: 'iter-0' }).log(), '')
})

test('an artifact output is replaced by a path (modify_output_artifact); a name that is not an output is refused', async () => {
  const first = await openRun((await local({ runsDir }).run(recurse)).dir)
  assert.throws(() => modifyOutputs(first.step({ key: 'iter-0' }), { parameters: { nope: 1 } }), /has no output parameter "nope" \(it has: iter\)/)
  assert.throws(() => modifyOutputs(first.step({ key: 'iter-0' }), { artifacts: { nope: '/x' } }), /has no output artifact "nope"/)
})

test('dflow run --reuse RUN_DIR --reuse-keys REGEX: those steps are not run, their outputs are used', async () => {
  const first = await local({ runsDir }).run(recurse)
  const r = dflow('run', 'examples/control/recurse-reuse.ts', '--runs-dir', runsDir, '--reuse', first.dir, '--reuse-keys', '^iter-[01]$', '-q')
  assert.is(r.code, 0, r.out + r.err)
  const dir = /run folder: (\S+)/.exec(r.out)![1]!
  const second = await openRun(dir, resubmit)
  assert.equal(plus1s(second), [
    ['iter-0', 0, 1, 'reuse'],
    ['iter-1', 1, 2, 'reuse'],
    ['iter-2', 2, 3, 'ran'],
    ['iter-3', 3, 4, 'ran'],
    ['iter-4', 4, 5, 'ran'],
  ])
  const bad = dflow('run', 'examples/control/recurse-reuse.ts', '--runs-dir', runsDir, '--reuse', join(tmp.path, 'nothing'))
  assert.is(bad.code, 2)
  assert.match(bad.err, /--reuse .*nothing: not a run folder \(ENOENT\)/)
})

const hello = shell({
  name: 'hello',
  inputs: { filename: param(t.string) },
  outputs: { foo: param(t.string, { path: 'foo.txt' }) },
  script: ({ filename }, out) => sh`echo "${filename}:foo" > ${out.foo}`,
})
const check = shell({
  name: 'check',
  inputs: { foo: param(t.array(t.string)) },
  outputs: { path: param(t.array(t.string), { path: 'path.txt' }) },
  script: ({ foo }, out) => sh`echo ${foo} > ${out.path}`,
})
/** dflow's E14 (test_loop_slices.py) with parameters: keyed slices, then an empty slice. */
const e14 = (name: string) =>
  workflow(name, () => {
    const hello0 = slice({ filename: ['f1.txt', 'f2.txt'] }, (x, i) => step('hello0', hello, { filename: x.filename }, { key: key`hello-0-${i}` }))
    const hello1 = slice({ filename: [] as string[] }, (x, i) => step('hello1', hello, { filename: x.filename }, { key: key`hello-1-${i}` }))
    return seq(hello0, step('check0', check, { foo: hello0.outputs.foo }), hello1, step('check1', check, { foo: hello1.outputs.foo }))
  })

test("E14: resubmitted reusing slice hello-0-0, it is not run, hello-0-1 is, and check0's path still has 2 entries", async () => {
  const first = await local({ runsDir }).run(e14('loop-slices'))
  assert.is(first.status, 'Succeeded')
  // the two slices run side by side, so in either start order: compared as sets
  assert.equal(first.steps({ name: /^hello/, type: 'Pod' }).map((x) => x.key).sort(), ['hello-0-0', 'hello-0-1'], 'no hello1 call')
  assert.equal(first.step('check1').outputs.path, [])
  const second = await local({ runsDir }).run(e14('loop-slices-resubmit'), { reuse: [first.step({ key: 'hello-0-0' })] })
  assert.is(second.status, 'Succeeded')
  const byKey = (a: readonly unknown[], b: readonly unknown[]) => String(a[0]).localeCompare(String(b[0]))
  assert.equal(second.steps({ name: /^hello/, type: 'Pod' }).map((x) => [x.key, x.record.reused?.from ?? 'ran']).sort(byKey), [['hello-0-0', 'reuse'], ['hello-0-1', 'ran']])
  assert.equal(second.step('check0').outputs.path, ['f1.txt:foo', 'f2.txt:foo'])
})

test.run()
