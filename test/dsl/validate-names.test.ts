/**
 * Validation of names (Argo's rules), duplicates and declarations: every problem comes back at once, with
 * the path of the offending name and a hint.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, checkName, param, seq, sh, shell, step, subflow, t, validate, workflow } from 'dflow-ts'
import stepsExample from '../../examples/steps.ts'
import { assertProblems, duplicate, echo, hello, problemsOf } from './fixtures.ts'

test('a correct workflow has no problems', () => {
  assert.equal(validate(stepsExample), [])
  const h0 = step('hello0', hello)
  assert.equal(problemsOf(workflow('a.b-1', seq(h0, step('d', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar }, { key: 'dup-0' })))), [])
})

test('checkName: workflow names are lowercase RFC 1123 subdomains of at most 57 characters', () => {
  for (const ok of ['a', 'steps', 'a-b', 'a.b', '0abc', 'x'.repeat(57), 'a1.b2-c3']) assert.is(checkName('workflow', ok), undefined, ok)
  for (const bad of ['', 'A', 'Steps', 'a_b', '-a', 'a-', 'a.', '.a', 'a..b', 'a b', 'ä'])
    assert.match(checkName('workflow', bad) ?? '', /^workflow name ".*" must match .*: use lowercase letters/, bad)
  assert.is(checkName('workflow', 'x'.repeat(58)), `workflow name "${'x'.repeat(58)}" is 58 characters long; at most 57 are allowed`)
})

test('checkName: template and step names, letters digits and dashes, at most 128', () => {
  for (const kind of ['template', 'step'] as const) {
    for (const ok of ['a', 'Hello-1', '1a', 'a--b', 'x'.repeat(128), 'a-']) assert.is(checkName(kind, ok), undefined, `${kind} ${ok}`)
    for (const bad of ['', '-a', 'a_b', 'a.b', 'a b', 'a/b']) assert.match(checkName(kind, bad) ?? '', new RegExp(`^${kind} name`), `${kind} ${bad}`)
    assert.match(checkName(kind, 'x'.repeat(129)) ?? '', /129 characters long; at most 128/)
  }
})

test('checkName: parameter and artifact names, letters digits - and _; keys lowercase', () => {
  for (const kind of ['param', 'artifact'] as const) {
    for (const ok of ['a', 'A_b-1', '_x', '-x', '0']) assert.is(checkName(kind, ok), undefined, `${kind} ${ok}`)
    for (const bad of ['', 'a.b', 'a b', 'a/b', 'ü']) assert.ok(checkName(kind, bad), `${kind} ${bad}`)
  }
  for (const ok of ['a', 'iter-1', '0-x']) assert.is(checkName('key', ok), undefined, ok)
  for (const bad of ['Iter', '-a', 'a_b', 'a.b', '']) assert.ok(checkName('key', bad), bad)
})

test('every bad name in a workflow is reported at once, each at its own path', () => {
  const badTemplate = shell({
    name: 'bad_template',
    inputs: { 'in.x': param(t.string), ok: param(t.string) },
    outputs: { 'out x': artifact({ path: 'o' }) },
    script: () => sh`true`,
  })
  const wf = workflow('Bad_Name', seq(step('step_1', badTemplate, { 'in.x': 'a', ok: 'b' }), step('s2', echo, { text: 'x' }, { key: 'Key_1' })), {
    parameters: { 'p q': param(t.string, { default: 'x' }) },
  })
  assertProblems(problemsOf(wf), [
    /^Bad_Name: workflow name "Bad_Name" must match/,
    /^Bad_Name\.parameters\.p q: param name "p q" must match/,
    /^templates\.bad_template: template name "bad_template" must match/,
    /^templates\.bad_template\.inputs\.in\.x: param name "in\.x" must match/,
    /^templates\.bad_template\.outputs\.out x: artifact name "out x" must match/,
    /^Bad_Name\.step_1: step name "step_1" must match/,
    /^Bad_Name\.s2\.key: key name "Key_1" must match/,
  ])
})

test('a name-rule problem keeps the rule in the message and the fix in the hint', () => {
  const [p] = validate(workflow('UPPER', step('a', hello)))
  assert.equal(p, {
    path: ['UPPER'],
    message: 'workflow name "UPPER" must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    hint: 'use lowercase letters, digits and "-", starting and ending with a letter or digit',
  })
  const [long] = validate(workflow('w', step('x'.repeat(130), hello)))
  assert.equal(long, { path: ['w', 'x'.repeat(130)], message: `step name "${'x'.repeat(130)}" is 130 characters long; at most 128 are allowed`, hint: 'shorten it to 128 characters or fewer' })
})

test('duplicate step names, in the workflow and inside a subflow', () => {
  const inner = subflow({ name: 'inner', body: () => seq(step('x', hello), step('x', hello)) })
  const wf = workflow('dups', seq(step('a', hello), step('a', hello), step('b', inner)))
  assertProblems(problemsOf(wf), [/^templates\.inner\.x: two steps are named "x" in the same body/, /^dups\.a: two steps are named "a" in the same body/])
})

test('two different templates with the same name; one template used twice is fine', () => {
  const other = shell({ name: 'hello', script: () => sh`echo other` })
  assertProblems(problemsOf(workflow('w', seq(step('a', hello), step('b', hello), step('c', other)))), [
    /^templates\.hello: two different templates are named "hello"/,
  ])
})

test('a default that does not fit its codec, a bad parallelism', () => {
  const bad = shell({ name: 'bad', inputs: { n: param(t.number, { default: 'five' as unknown as number }) }, script: ({ n }) => sh`echo ${n}` })
  assertProblems(problemsOf(workflow('w', step('a', bad), { parallelism: 0, parameters: { p: param(t.boolean, { default: 1 as unknown as boolean }) } })), [
    /^w\.parameters\.p: default 1 is not a boolean/,
    /^w\.parallelism: parallelism must be a positive integer, got 0/,
    /^templates\.bad\.inputs\.n: default "five" is not a number/,
  ])
  assert.equal(problemsOf(workflow('w', step('a', hello), { parallelism: 3 })), [])
})

test.run()
