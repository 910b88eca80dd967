/**
 * Grouped slices of list artifacts (dflow's `input_artifact` with `sub_path` and `group_size`): each slice of
 * a group gets exactly its own part — the catalog's i-th path — as an ungrouped slice does, for a function OP
 * and for a shell template; the outputs equal the ungrouped run's; lists of different lengths fail the step;
 * an empty list artifact makes no call.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { key, seq, slice, step, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { cat, groupedSubpath, hello, prepare } from '../../examples/slices/group-subpath.ts'
import { hello as writeHello } from '../../examples/slices/artifact-slices.ts'
import { catAt, mkNone, readPart } from '../helpers/slice-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: grouped slices of list artifacts')
const tmp = tempDir('slice-group-subpath')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: join(tmp.path, 'runs') })

const texts = ['a:foo1', 'b:foo2', 'c:foo3', 'd:foo4', 'e:foo5']

test('a function OP and a shell template in groups of 2: 3 calls each, 5 slice records, the outputs of the ungrouped run', async () => {
  const [ungrouped, grouped] = [await runner().run(groupedSubpath(undefined)), await runner().run(groupedSubpath(2))]
  assert.is(ungrouped.status, 'Succeeded', ungrouped.message)
  assert.is(grouped.status, 'Succeeded', grouped.message)
  for (const name of ['hello', 'cat']) {
    assert.equal(grouped.step(name).outputs, ungrouped.step(name).outputs, `${name}: the same outputs with or without groups`)
    assert.equal(grouped.steps({ name: new RegExp(`^${name}\\(`) }).map((c) => c.id).sort(), [`${name}(0)`, `${name}(1)`, `${name}(2)`])
    assert.equal(grouped.steps({ name: /^slice\(/ }).map((c) => c.id).filter((id) => id.startsWith(`${name}(`)).sort(), [0, 1, 2, 3, 4].map((i) => `${name}(${Math.floor(i / 2)}).slice(${i})`))
  }
  assert.equal(grouped.step('hello').outputs.text, texts)
  assert.equal(grouped.step('cat').outputs.text, texts)
  // The function OP's slice i is given its part, linked as dflow-parts/i/foo (named as an ungrouped call's staged part).
  assert.equal(grouped.step('hello').outputs.name, ['foo', 'foo', 'foo', 'foo', 'foo'])
  const link = join(grouped.dir, 'steps', 'hello(1)', 'workdir', 'dflow-parts', '3', 'foo')
  assert.match(readlinkSync(link), /foo4\.txt$/)
  // relative, so that a dispatcher job's folder copied back over SSH keeps it (an absolute link out of the folder is refused)
  assert.not.ok(isAbsolute(readlinkSync(link)), readlinkSync(link))
  assert.is(readFileSync(realpathSync(link), 'utf8'), 'foo4')
  // A slice's record names its part of the artifact, as an ungrouped call's does.
  const part = grouped.step('hello(1).slice(3)').inputs.foo as { part?: string; key?: string }
  assert.equal([part.part, part.key], ['foo4.txt', (grouped.step('prepare').outputs.foo as { key?: string }).key])
  assert.is((grouped.step('cat(2).slice(4)').inputs.foo as { part?: string }).part, 'foo5.txt')
})

test('a fan-out\'s stacked artifact sliced in groups, with keys per slice: each slice reads its entry', async () => {
  const hellos = slice({ filename: ['f1.txt', 'f2.txt', 'f3.txt'] }, (s) => step('write', writeHello, { filename: s.filename }))
  const read = slice({ foo: hellos.outputs.foo }, (s, i) => step('read', readPart, { foo: s.foo }, { key: key`read-${i}` }), { groupSize: 2, poolSize: 2 })
  const run = await runner().run(workflow('group-stack', seq(hellos, read)))
  assert.is(run.status, 'Succeeded', run.message)
  const ungrouped = await runner().run(workflow('group-stack', seq(hellos, slice({ foo: hellos.outputs.foo }, (s) => step('read', readPart, { foo: s.foo })))))
  assert.equal(run.step('read').outputs, ungrouped.step('read').outputs)
  assert.equal(run.step('read').outputs.names, [['f1.txt'], ['f2.txt'], ['f3.txt']])
  assert.equal(run.step({ key: 'read-2' }).id, 'read(1).slice(2)')
})

test('a shell template reading its part at the relative path it declares: each slice finds its own part there, in its own folder', async () => {
  const p = step('prepare', prepare)
  const run = await runner().run(workflow('group-declared', seq(p, slice({ foo: p.outputs.foo }, (s) => step('cat', catAt, { foo: s.foo }), { groupSize: 3, poolSize: 2 }))))
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('cat').outputs.text, ['foo1', 'foo2', 'foo3', 'foo4', 'foo5'])
  // the link to its part goes when the slice ends (an absolute link, which a job's folder fetched back over SSH must not hold)
  const folder = join(run.dir, 'steps', 'cat(0)', 'workdir', 'dflow-slices', '0')
  assert.ok(existsSync(join(folder, 'text.txt')), folder)
  assert.not.ok(lstatSync(join(folder, 'in', 'part.txt'), { throwIfNoEntry: false }), 'the link in/part.txt is gone')
})

test('a list artifact zipped with a parameter list of another length: the step fails, naming both lengths', async () => {
  const run = await runner().run(groupedSubpath(2, ['a', 'b', 'c', 'd']))
  assert.is(run.status, 'Failed')
  assert.is(run.step('hello').phase, 'Error')
  assert.match(run.step('hello').record.message ?? '', /different lengths \(foo: 5, tag: 4\)/)
})

test('an empty list artifact, grouped: no call, the slice Skipped and its consumers given empty lists', async () => {
  const m = step('mk', mkNone)
  const h = slice({ foo: m.outputs.foo }, (s) => step('hello', hello, { foo: s.foo, tag: 'x' }), { groupSize: 2 })
  const c = slice({ foo: m.outputs.foo }, (s) => step('cat', cat, { foo: s.foo, tag: 'x' }), { groupSize: 2, poolSize: 2 })
  const run = await runner().run(workflow('group-empty', seq(m, h, c)))
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal([run.step('hello').phase, run.step('cat').phase], ['Skipped', 'Skipped'])
  assert.equal(run.step('hello').outputs.text, [])
  assert.equal(run.step('cat').outputs.text, [])
  assert.equal(run.steps({ name: /^(hello|cat)\(/ }), [])
})

test.run()
