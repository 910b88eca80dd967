import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { localArtifact, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import bigParam from '../../examples/fn/big-parameter.ts'
import dagFn from '../../examples/fn/dag.ts'
import opParameter from '../../examples/fn/op-parameter.ts'
import python from '../../examples/fn/python.ts'
import pythonSugar from '../../examples/fn/python-sugar.ts'
import importsSubpaths from '../fixtures/fn-imports-subpaths.ts'
import { context, double, liar, unbounded, maybeReads, readShapes, shapes } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: function OPs')
const tmp = tempDir('fn')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: tmp.path })

for (const [label, wf] of [['E1 (class-like)', python], ['E2 (function form)', pythonSugar]] as const) {
  test(`${label}: msg HelloHelloHello, bar HiHiHi, odir f1/f2 repeated three times`, async () => {
    const run = await runner().run(wf)
    assert.is(run.status, 'Succeeded', run.message)
    const s = run.step('step')
    assert.is(s.phase, 'Succeeded')
    assert.is(s.type, 'Pod')
    assert.is(s.outputs['msg'], 'HelloHelloHello')
    assert.is(s.inputs['num'], 3)
    assert.is(readFileSync((s.outputs['bar'] as { path: string }).path, 'utf8'), 'HiHiHi')
    const odir = (s.outputs['odir'] as { path: string }).path
    assert.equal(readdirSync(odir).sort(), ['f1', 'f2'])
    assert.is(readFileSync(join(odir, 'f1'), 'utf8'), 'foofoofoo')
    assert.is(readFileSync(join(odir, 'f2'), 'utf8'), 'barbarbar')
  })
}

test('E4 typed DAG: hello1.msg is the number 2 and its bar holds HelloHello', async () => {
  const run = await runner().run(dagFn)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('hello1').outputs['msg'], 2)
  assert.is(readFileSync((run.step('hello1').outputs['bar'] as { path: string }).path, 'utf8'), 'HelloHello')
})

test('E8 big parameter: an object through a sub-workflow, passed as a file, queried by key', async () => {
  const run = await runner().run(bigParam)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.step({ key: 'step1' }).outputs['foo'], { msg: 'hellohello' })
  assert.equal(run.step({ key: 'step2' }).outputs['foo'], { msg: 'hellohellohellohello' })
  assert.equal(run.step('big-step').outputs['foo'], { msg: 'hellohellohellohello' })
  // the value reached the OP as a file, not inline
  assert.is(readFileSync(join(run.step({ key: 'step2' }).dir, 'inputs', 'parameters', 'foo'), 'utf8'), '{"msg":"hellohello"}')
  const again = await openRun(run.dir)
  assert.equal(again.step({ key: 'step1' }).outputs['foo'], { msg: 'hellohello' })
})

test('an OP module that imports dflow-ts/local and dflow-ts/argo runs locally too (as it bundles for Argo)', async () => {
  const run = await runner().run(importsSubpaths)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('i').outputs['out'], 2)
})

test('E9 defaults: inputs default, the log holds hello five times, the output falls back to its default', async () => {
  const run = await runner().run(opParameter)
  assert.is(run.status, 'Succeeded', run.message)
  const s = run.step('hello')
  assert.match(s.log(), 'hellohellohellohellohello')
  assert.is(s.outputs['msg'], 'Hello dflow!')
})

test('an output that does not fit its codec fails the step naming the field, the type and the value', async () => {
  const run = await runner().run(workflow('liar', seq(step('honest', liar, { lie: false }), step('lying', liar, { lie: true }))))
  assert.is(run.status, 'Failed')
  assert.is(run.step('honest').outputs['out'], 1)
  const s = run.step('lying')
  assert.is(s.phase, 'Failed')
  assert.is(s.exitCode, 2)
  assert.match(s.message ?? '', 'output parameter "out": expected number, got "oops"')
})

test('an output holding a number that is not finite fails the step (JSON would write it as null)', async () => {
  for (const [which, shown] of [['inf', 'Infinity'], ['nan', 'NaN'], ['list', '[1,null]']] as const) {
    const run = await runner().run(workflow('unbounded', step(which, unbounded, { which })))
    assert.is(run.status, 'Failed', which)
    const s = run.step(which)
    assert.is(s.phase, 'Failed', which)
    assert.match(s.message ?? '', `output parameter "out": ${shown} holds a number that is not finite`)
  }
})

test('an input that does not fit its codec fails the step before the body runs, naming field, type and value', async () => {
  const word = shell({ name: 'word', outputs: { w: param(t.unknown, { path: 'w.txt' }) }, script: () => sh`echo three > w.txt` })
  const w = step('word', word)
  const run = await runner().run(workflow('bad-input', seq(w, step('double', double, { n: w.outputs.w as never }))))
  assert.is(run.status, 'Failed')
  const s = run.step('double')
  assert.is(s.phase, 'Error')
  assert.match(s.message ?? '', 'input parameter "n": expected number, got "three"')
})

test('the body gets its context: work folder as cwd, key, workflow name, its own env, progress and log', async () => {
  const wf = workflow('ctx', step('c', context, {}, { key: 'my-key' }))
  const run = await local({ runsDir: tmp.path, env: { DFLOW_TEST_ENV: 'from-config', PATH: process.env['PATH'] ?? '' } }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  const s = run.step('c')
  assert.is(s.outputs['key'], 'my-key')
  assert.is(s.outputs['workflow'], run.id)
  assert.is(s.outputs['cwdIsWorkdir'], true)
  assert.is(s.outputs['env'], 'from-config')
  assert.is(s.progress, '3/3')
  assert.match(s.log(), 'step 3 of 3')
})

test('artifacts as a list, a record and a nested record of paths travel between OPs', async () => {
  const a = step('shapes', shapes)
  const run = await runner().run(workflow('shapes', seq(a, step('read', readShapes, { list: a.outputs.list, record: a.outputs.record, tree: a.outputs.tree }))))
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('read').outputs['text'], 'ABACAC')
})

test('calls in a row (served by warm workers) each give their own answer', async () => {
  const wf = workflow('conc', seq(...[1, 2, 3].map((n) => step(`d${n}`, double, { n }))))
  const run = await runner().run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal([1, 2, 3].map((n) => run.step(`d${n}`).outputs['out']), [2, 4, 6])
})

test('an optional input artifact: null when omitted, its path when given', async () => {
  writeFileSync(join(tmp.path, 'given.txt'), 'here')
  const run = await runner().run(workflow('maybe', seq(step('without', maybeReads), step('with', maybeReads, { f: localArtifact(join(tmp.path, 'given.txt')) }))))
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal([run.step('without').outputs['text'], run.step('with').outputs['text']], ['none', 'here'])
})

test.run()
