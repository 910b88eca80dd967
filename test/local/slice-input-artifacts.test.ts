/**
 * Slices of input list artifacts (dflow's `input_artifact` with `sub_path`): the width is the artifact's
 * catalog, each call stages only its own part — in place, from a store that hides its paths, or from a stack
 * of a fan-out —, and the bad inputs that can only be known when the step runs fail it with a clear message.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { seq, slice, step, workflow } from 'dflow-ts'
import { folder, mkNone, readFile, readPart } from '../helpers/slice-ops.ts'
import { folderStore, local, type ArtifactOutput, type ArtifactStore } from 'dflow-ts/local'
import subpathSlices, { prepare } from '../../examples/slices/subpath-slices.ts'
import makevasp from '../../examples/slices/makevasp.ts'
import { hello } from '../../examples/slices/artifact-slices.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: slices of input list artifacts')
const tmp = tempDir('slice-input-artifacts')
test.after(tmp.cleanup)

const art = (v: unknown): ArtifactOutput => v as ArtifactOutput

/** A real folder store that hides where its content is: its locations carry no `.path`, so readers must `get`. */
const remoteLike = (dir: string): ArtifactStore => {
  const inner = folderStore(dir)
  const strip = <A extends { at: { store: string; key: string } }>(c: A): A => ({ ...c, at: { store: c.at.store, key: c.at.key } })
  return { ...inner, put: async (p, k, o) => strip(await inner.put(p, k, o)) }
}

/** What a call of the run staged for its input `foo`: the staged path's real target is a file holding … */
const stagedText = (runDir: string, id: string): string => {
  const staged = join(runDir, 'steps', id, 'inputs', 'artifacts', 'foo')
  assert.ok(lstatSync(staged).isSymbolicLink() || lstatSync(staged).isFile(), `${id} staged one file`)
  assert.ok(!lstatSync(realpathSync(staged)).isDirectory(), `${id} staged its part, not the whole list`)
  return readFileSync(staged, 'utf8')
}

for (const [how, store] of [
  ['in place', () => undefined],
  ['from a folder store', () => folderStore(join(tmp.path, 'store'))],
  ['from a store whose locations have no local path', () => remoteLike(join(tmp.path, 'remote'))],
] as const)
  test(`E11 ${how}: the width is foo's catalog, each call stages only its own file and prints it`, async () => {
    const s = store()
    const run = await local({ runsDir: join(tmp.path, 'runs'), ...(s ? { store: s } : {}) }).run(subpathSlices)
    assert.is(run.status, 'Succeeded', run.message)
    assert.equal(run.steps({ name: /^hello\(/ }).map((x) => x.id).sort(), ['hello(0)', 'hello(1)'])
    assert.equal(run.step('hello').outputs.text, ['foo1', 'foo2'])
    assert.is(stagedText(run.dir, 'hello(0)'), 'foo1')
    assert.is(stagedText(run.dir, 'hello(1)'), 'foo2')
    // The record of a call names the part of the artifact it was given.
    assert.is(art(run.step('hello(1)').inputs.foo).part, 'foo2.txt')
    assert.is(art(run.step('hello(1)').inputs.foo).key, art(run.step('prepare').outputs.foo).key)
  })

test('E13: three lists sliced at once (a parameter list and two list artifacts), outcar and log stacked in slice order', async () => {
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(makevasp)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ name: /^vasp-run\(/ }).map((x) => x.id).sort(), ['vasp.vasp-run(0)', 'vasp.vasp-run(1)', 'vasp.vasp-run(2)'])
  const out = run.step('vasp').outputs
  assert.equal(out.outcars, ['task.0000/OUTCAR', 'task.0001/OUTCAR', 'task.0002/OUTCAR'])
  assert.equal(out.logs, ['task.0000/log', 'task.0001/log', 'task.0002/log'])
  assert.equal(out.outcarTexts, [0, 1, 2].map((i) => `This is poscar ${i}\nThis is potcar ${i}`))
  assert.equal(out.logTexts, [0, 1, 2].map((i) => `this is log\nThis is poscar ${i}\nThis is potcar ${i}`))
  // The stack vasp-res read: entry i holds slice i's task folder, with a dflow catalog of orders 0..2.
  const stack = art(run.step('vasp.vasp-res').inputs.outcar).path!
  assert.equal(readdirSync(stack).filter((f) => !f.startsWith('.')).sort(), ['0', '1', '2'])
  assert.is(readFileSync(join(stack, '2', 'task.0002', 'OUTCAR'), 'utf8'), 'This is poscar 2\nThis is potcar 2')
  const catalog = readdirSync(join(stack, '.dflow')).map((f) => readFileSync(join(stack, '.dflow', f), 'utf8')).join('')
  assert.match(catalog, /"order": 0.*"order": 1.*"order": 2/)
})

test("a fan-out's stack sliced again: each call gets its entry of the stack (E10's outputs, sliced)", async () => {
  const producer = slice({ filename: ['f1.txt', 'f2.txt'] }, (s) => step('hello', hello, { filename: s.filename }))
  const wf = workflow('restack', seq(producer, slice({ foo: producer.outputs.foo }, (s) => step('read', readPart, { foo: s.foo }))))
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step('read').outputs.names, [['f1.txt'], ['f2.txt']])
  assert.is(art(run.step('read(0)').inputs.foo).part, '0')
})

test('an artifact with no catalog fails the step, saying so; an empty list artifact makes no call', async () => {
  const f = step('folder', folder)
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(workflow('no-catalog', seq(f, slice({ foo: f.outputs.foo }, (s) => step('read', readFile, { foo: s.foo })))))
  assert.is(run.status, 'Failed')
  assert.is(run.step('read').phase, 'Error')
  assert.match(run.step('read').message ?? '', /slice of "foo" \(folder\.foo\): the artifact has no catalog/)
  const m = step('mk', mkNone)
  const empty = await local({ runsDir: join(tmp.path, 'runs') }).run(workflow('empty-list', seq(m, slice({ foo: m.outputs.foo }, (s) => step('read', readFile, { foo: s.foo })))))
  assert.is(empty.status, 'Succeeded', empty.message)
  assert.is(empty.step('read').phase, 'Skipped')
  assert.equal(empty.step('read').outputs.text, [])
})

test('a list artifact and a list of another length: the step errors, naming both lengths', async () => {
  const p = step('prepare', prepare)
  const m = step('mk', mkNone)
  const wf = workflow('lengths', seq(p, m, slice({ foo: p.outputs.foo, n: m.outputs.n }, (s) => step('read', readFile, { foo: s.foo, n: s.n }))))
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(wf)
  assert.is(run.step('read').phase, 'Error')
  assert.match(run.step('read').message ?? '', /different lengths \(foo: 2, n: 3\)/)
  assert.not.ok(existsSync(join(run.dir, 'steps', 'read(0)')), 'no call ran')
})

test.run()
