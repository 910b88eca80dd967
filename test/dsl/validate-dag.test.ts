/**
 * Validation inside a dag: any order of children is fine as long as the dependencies (by reference or by
 * `dependsOn`) form no cycle; a cycle, a step depending on itself, or a dependency on a step that cannot
 * run first is reported with its path and a hint.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, par, seq, step, validate, workflow } from 'dflow-ts'
import { assertProblems, duplicate, echo, hello, problemsOf } from './fixtures.ts'

const h0 = step('hello0', hello)
const dupOf = (name: string, from: { outputs: typeof h0.outputs }, options?: Parameters<typeof step>[3]) =>
  step(name, duplicate, { msg: from.outputs.msg, foo: from.outputs.bar }, options)

test('children of a dag may come in any order', () => {
  const a = dupOf('a', h0)
  const b = dupOf('b', a)
  assert.equal(problemsOf(workflow('w', dag(b, a, h0))), [])
  assert.equal(problemsOf(workflow('w', dag(h0, step('c', echo, { text: 'x' }, { dependsOn: ['hello0'] }), step('d', echo, { text: 'y' }, { dependsOn: [h0] })))), [])
})

test('a cycle through references', () => {
  const aEarly = step('a', hello) // only to name the outputs of the real a, built below
  const b = dupOf('b', aEarly)
  const a = dupOf('a', b)
  const [p, ...more] = validate(workflow('w', dag(a, b)))
  assert.equal(more, [])
  assert.equal(p, { path: ['w'], message: 'dependency cycle: a -> b -> a', hint: 'remove one of the references or dependsOn entries' })
})

test('a cycle through dependsOn, three steps long, next to steps that are fine', () => {
  const x = step('x', echo, { text: '1' }, { dependsOn: ['z'] })
  const y = step('y', echo, { text: '2' }, { dependsOn: ['x'] })
  const z = step('z', echo, { text: '3' }, { dependsOn: ['y'] })
  assertProblems(problemsOf(workflow('w', dag(h0, x, y, z, dupOf('ok', h0)))), [/^w: dependency cycle: x -> z -> y -> x/] /* each waits for the next */)
})

test('a cycle mixing a reference and dependsOn, in a dag nested in a seq', () => {
  const a = step('a', hello, undefined, { dependsOn: ['b'] })
  const b = dupOf('b', a)
  assertProblems(problemsOf(workflow('w', seq(h0, dag(a, b)))), [/^w: dependency cycle: a -> b -> a/])
})

test('a step that depends on itself', () => {
  const selfRef = dupOf('self', step('self', hello))
  const selfDep = step('me', hello, undefined, { dependsOn: ['me'] })
  assertProblems(problemsOf(workflow('w', dag(h0, selfRef, selfDep))), [
    /^w\.self\.args\.msg: step "self" is not upstream of this step/,
    /^w\.self\.args\.foo: step "self" is not upstream of this step/,
    /^w\.me\.dependsOn: "me" is not a step that can run before this one/,
  ])
})

test('par siblings inside a dag cannot depend on each other; other children can', () => {
  const a = dupOf('a', h0)
  const b = dupOf('b', a)
  assertProblems(problemsOf(workflow('w', dag(h0, par(a, b), dupOf('c', b)))), [/^w\.b\.args\.msg: step "a" is not upstream/, /^w\.b\.args\.foo: step "a" is not upstream/])
})

test('dependsOn naming an unknown step, or a later step of a seq', () => {
  const later = step('later', hello)
  assertProblems(
    problemsOf(workflow('w', seq(step('first', hello, undefined, { dependsOn: ['later'] }), dag(step('g', hello, undefined, { dependsOn: ['ghost'] })), later))),
    [/^w\.first\.dependsOn: "later" is not a step that can run before this one/, /^w\.g\.dependsOn: "ghost" is not a step that can run before this one/],
  )
  const hints = validate(workflow('w', seq(step('first', hello, undefined, { dependsOn: ['later'] }), dag(step('g', hello, undefined, { dependsOn: ['ghost'] })), later))).map((p) => p.hint)
  assert.equal(hints, ['dependsOn can only name other steps of the same dag or steps before it', 'name a step of the same body (to wait for a forEach, pass the node itself: dependsOn: [node])'])
})

test.run()
