/**
 * Validation of wiring: references to steps that are not upstream or do not exist, unknown outputs, inputs
 * and workflow parameters, kind and codec mismatches, missing and unknown arguments, literals that do not
 * fit. Mis-wirings that TypeScript rejects are built through `any`, as JavaScript callers could.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, localArtifact, par, param, refsOf, seq, sh, shell, step, subflow, t, validate, workflow, type ParamRef } from 'dflow-ts'
import { assertProblems, duplicate, echo, hello, problemsOf } from './fixtures.ts'

const h0 = step('hello0', hello)
const any = (v: unknown): any => v

test('a reference to a par sibling or to a later step in a seq is not upstream', () => {
  const sibling = step('sibling', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar })
  const later = step('later', hello)
  const early = step('early', duplicate, { msg: later.outputs.msg, foo: later.outputs.bar })
  assertProblems(problemsOf(workflow('w', seq(par(h0, sibling), early, later))), [
    /^w\.sibling\.args\.msg: step "hello0" is not upstream of this step/,
    /^w\.sibling\.args\.foo: step "hello0" is not upstream of this step/,
    /^w\.early\.args\.msg: step "later" is not upstream of this step/,
    /^w\.early\.args\.foo: step "later" is not upstream of this step/,
  ])
  assert.match(validate(workflow('w', par(h0, sibling)))[0]!.hint ?? '', /order them with seq/)
})

test('an unknown step, an unknown output', () => {
  const ghost = step('ghost', hello)
  const nope = { ...h0.outputs.msg, name: 'nope' }
  const wf = workflow('w', seq(h0, step('d', duplicate, { msg: any(nope), foo: ghost.outputs.bar })))
  assertProblems(problemsOf(wf), [/^w\.d\.args\.msg: the outputs of step "hello0" have no "nope"/, /^w\.d\.args\.foo: no step "ghost" in this template/])
  const [p] = validate(wf)
  assert.is(p!.hint, 'declared outputs: msg, bar')
})

test('an unknown input, an unknown workflow parameter', () => {
  const strayInput = refsOf({ text: param(t.string) }, { kind: 'input' }).text
  const strayParam = refsOf({ nope: param(t.string) }, { kind: 'workflow' }).nope
  const wf = workflow('w', seq(step('a', echo, { text: strayInput }), step('b', echo, { text: strayParam })), { parameters: { known: param(t.string) } })
  assertProblems(problemsOf(wf), [/^w\.a\.args\.text: no input "text" in the inputs of the enclosing template/, /^w\.b\.args\.text: no workflow parameter "nope"/])
})

test('a workflow parameter reference is fine where declared', () => {
  const wf = workflow('w', ({ greeting }) => step('a', echo, { text: greeting }), { parameters: { greeting: param(t.string, { default: 'hi' }) } })
  assert.equal(problemsOf(wf), [])
})

test('a parameter into an artifact input, an artifact into a parameter input, a literal into an artifact input', () => {
  const wf = workflow(
    'w',
    seq(h0, step('a', duplicate, { msg: any(h0.outputs.bar), foo: any(h0.outputs.msg) }), step('b', duplicate, { msg: 1, foo: any('bar.txt') })),
  )
  assertProblems(problemsOf(wf), [
    /^w\.a\.args\.msg: an artifact reference cannot feed a parameter input/,
    /^w\.a\.args\.foo: a parameter reference cannot feed an artifact input/,
    /^w\.b\.args\.foo: input "foo" is an artifact/,
  ])
  assert.equal(problemsOf(workflow('w', step('c', duplicate, { msg: 1, foo: localArtifact('x.txt') }))), [])
})

test('a reference whose codec does not fit the input it feeds', () => {
  const wf = workflow('w', seq(h0, step('a', echo, { text: any(h0.outputs.msg) }), step('b', duplicate, { msg: 2, foo: h0.outputs.bar, note: any(h0.outputs.msg) })))
  assertProblems(problemsOf(wf), [/^w\.a\.args\.text: "msg" is a number but the input expects string/, /^w\.b\.args\.note: "msg" is a number but the input expects string/])
})

test('a reference that lies about its kind', () => {
  const fake: ParamRef<number> = { _tag: 'ParamRef', source: { kind: 'step', step: 'hello0' }, name: 'bar', codec: t.number }
  assertProblems(problemsOf(workflow('w', seq(h0, step('a', duplicate, { msg: fake, foo: h0.outputs.bar })))), [
    /^w\.a\.args\.msg: "bar" in the outputs of step "hello0" is an artifact, not a parameter/,
  ])
})

test('missing required arguments and unknown arguments, all reported', () => {
  const wf = workflow('w', seq(step('a', duplicate, any({})), step('b', echo, any({ text: 'x', txet: 'y', extra: 1 }))))
  assertProblems(problemsOf(wf), [
    /^w\.a\.args\.msg: missing argument "msg" of template "duplicate"/,
    /^w\.a\.args\.foo: missing argument "foo" of template "duplicate"/,
    /^w\.b\.args\.txet: template "echo" has no input "txet"/,
    /^w\.b\.args\.extra: template "echo" has no input "extra"/,
  ])
  assert.is(validate(wf).find((p) => p.path.includes('txet'))!.hint, 'its inputs: text')
})

test('literals that do not fit the codec', () => {
  const wf = workflow('w', seq(h0, step('a', duplicate, { msg: any('4'), foo: h0.outputs.bar, note: any(5) }), step('b', echo, { text: any(null) })))
  assertProblems(problemsOf(wf), [/^w\.a\.args\.msg: "4" is not a number/, /^w\.a\.args\.note: 5 is not a string/, /^w\.b\.args\.text: null is not a string/])
})

test('a script that captures a step output or an undeclared workflow parameter', () => {
  const param0 = refsOf({ p: param(t.string) }, { kind: 'workflow' }).p
  const sneaky = shell({ name: 'sneaky', script: () => sh`echo ${h0.outputs.msg} ${param0}` })
  assertProblems(problemsOf(workflow('w', seq(h0, step('s', sneaky)))), [
    /^templates\.sneaky\.script\.hole 0: a script cannot use step "hello0" directly/,
    /^templates\.sneaky\.script\.hole 1: no workflow parameter "p"/,
  ])
})

test('inside a subflow: inner steps only, its own inputs, exposed outputs that exist', () => {
  const outer = step('outer', hello)
  const inner = subflow({
    name: 'inner',
    inputs: { n: param(t.number), f: artifact() },
    body: ({ n, f }) => {
      const a = step('a', duplicate, { msg: n, foo: f })
      const b = step('b', duplicate, { msg: outer.outputs.msg, foo: a.outputs.bar })
      return { run: seq(a, b), outputs: { n: b.outputs.msg, gone: { ...b.outputs.bar, name: 'gone' } } }
    },
  })
  const wf = workflow('w', seq(outer, step('sub', inner, { n: outer.outputs.msg, f: outer.outputs.bar })))
  assertProblems(problemsOf(wf), [/^templates\.inner\.b\.args\.msg: no step "outer" in this template/, /^templates\.inner\.outputs\.gone: the outputs of step "b" have no "gone"/])
})

test('many different problems in one workflow come back together', () => {
  const later = step('later', hello)
  const wf = workflow(
    'Many',
    seq(h0, step('h0', echo, any({ text: 3, extra: 1 })), step('wire', duplicate, { msg: later.outputs.msg, foo: any(h0.outputs.msg) }), later, step('key', hello, undefined, { key: 'BAD' })),
  )
  assertProblems(problemsOf(wf), [
    /^Many: workflow name/,
    /^Many\.h0\.args\.text: 3 is not a string/,
    /^Many\.h0\.args\.extra: template "echo" has no input "extra"/,
    /^Many\.wire\.args\.msg: step "later" is not upstream/,
    /^Many\.wire\.args\.foo: a parameter reference cannot feed an artifact input/,
    /^Many\.key\.key: key name "BAD"/,
  ])
})

test.run()
