import { readdirSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { seq, slice, step, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import groupArtifacts from '../../examples/slices/group-artifacts.ts'
import { listEntries, writeNamed } from '../helpers/slice-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: output artifacts of grouped slices')
const tmp = tempDir('slice-group-artifacts')
test.after(tmp.cleanup)
const runsDir = tmp.path

const files = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']

const stacked = (options?: { groupSize: number; poolSize?: number }) =>
  workflow('group-artifacts', () => {
    const w = slice({ filename: files }, (s) => step('w', writeNamed, { filename: s.filename }), options)
    return seq(w, step('l', listEntries, { foo: w.outputs.foo }))
  })

test('grouped slices stack their output artifacts into one list artifact in slice order, entry i slice i\'s, the same as ungrouped, for every group size and pool', async () => {
  const want = { files: files.map((f) => [f]), texts: files }
  for (const options of [undefined, { groupSize: 1 }, { groupSize: 2 }, { groupSize: 2, poolSize: 2 }, { groupSize: 5, poolSize: -1 }, { groupSize: 9 }]) {
    const wf = stacked(options)
    const run = await local({ runsDir }).run(wf)
    assert.is(run.status, 'Succeeded', `${JSON.stringify(options)}: ${run.message}`)
    assert.equal(run.step('l').outputs, want, JSON.stringify(options))
    assert.equal(run.step('w').outputs.size, [5, 5, 5, 5, 5])
    // What l was given: one folder, an entry per slice by its index, and a dflow catalog.
    const given = (run.step('l').inputs as unknown as { foo: { path: string } }).foo.path
    assert.equal(readdirSync(given).sort(), ['.dflow', '0', '1', '2', '3', '4'], JSON.stringify(options))
  }
})

test('E10 in groups: each slice of a group runs in a folder of its own (its ctx.workdir, and its working directory with a pool of 1), its artifact its own', async () => {
  const run = await local({ runsDir }).run(groupArtifacts)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ name: /^hello\(/ }).map((s) => s.id).sort(), ['hello(0)', 'hello(1)'])
  assert.is(run.steps({ name: /^slice\(/ }).length, 3)
  // Each slice's record says where its artifact is: entry i of its call's.
  const at = run.step('hello(0).slice(1)').record.outputs.artifacts['foo']
  assert.is(at?.part, '1', JSON.stringify(at))
  assert.equal(readdirSync(at!.path!), ['f2.txt'])
  // hello writes foo/FILENAME in its working directory: each slice's artifact holds its own file only.
  assert.equal(run.step('check').outputs, { n: 3, names: ['f1.txt', 'f2.txt', 'f3.txt'], texts: ['foo', 'foo', 'foo'] })
})

test.run()
