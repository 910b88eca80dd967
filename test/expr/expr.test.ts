import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { problemOf } from './problem-of.ts'
import { ex, expr, ifExpr, sh, shell, step, t, when } from 'dflow-ts'
import { readVar } from '../../lib/engine/control.ts'
import { evaluate, EvalError } from '../../lib/engine/expr-eval.ts'
import { printCondition, printExpr } from '../../lib/argo/expr-print.ts'
import { argoPath, code, ERRORS, n, s, scopeOf, TABLE, xs } from './table.ts'

for (const row of TABLE) {
  test(`local evaluator: ${row.name}`, () => {
    assert.equal(evaluate(row.e, readVar(scopeOf())), row.value)
  })
  test(`Argo printer: ${row.name}`, () => {
    assert.is(printExpr(row.e, argoPath), row.argo)
  })
}

for (const row of ERRORS) {
  test(`fails on both interpreters: ${row.name} (Argo: ${row.onArgo})`, () => {
    assert.throws(() => evaluate(row.e, readVar(scopeOf())), (e: Error) => e instanceof EvalError && row.error.test(e.message))
    assert.is(printExpr(row.e, argoPath), row.argo)
  })
}

test('a parse error shows a caret under the bad position', () => {
  const m = problemOf(() => expr`${n} < < 3`)
  assert.match(m, 'unexpected "<"')
  assert.match(m, '  ${…} < < 3\n         ^')
})

test('bare names are rejected: variables enter through holes', () => {
  assert.match(problemOf(() => expr`heads == ${s}`), 'bare name "heads"')
})

test('unknown functions are rejected when built, by expr and by the builders', () => {
  assert.match(problemOf(() => expr`eval(${s})`), 'unknown function "eval"')
  assert.match(problemOf(() => ex.call('eval' as never, s)), 'unknown function "eval"')
})

test('a number compared with a string is a type error when built', () => {
  assert.match(problemOf(() => expr`${n} < ${s}`), '"<" compares a number with a string')
  assert.match(problemOf(() => ex.eq(n, 'x')), '"==" compares a number with a string')
  assert.match(problemOf(() => expr`!${n}`), 'the operand of "!" must be boolean')
  assert.match(problemOf(() => expr`${n} > 1 ? "a" : 2`), 'the branches of "?:" differ')
})

test('wrong arity and unterminated strings are parse errors', () => {
  assert.match(problemOf(() => expr`asInt(1, 2)`), 'asInt() takes 1 argument, got 2')
  assert.match(problemOf(() => expr`"abc`), 'unterminated string')
})

test('a wire value that does not fit the codec fails evaluation with a message', () => {
  const bad = { steps: new Map([['gen-a', { n: { kind: 'param' as const, wire: 'ten' } }]]), inputs: {}, params: {} }
  assert.throws(() => evaluate(expr`${n} < 3`, readVar(bad)), (e: Error) => e instanceof EvalError && /"n": asFloat\("ten"\): not a number/.test(e.message))
})

test('jsonpath: a path beyond its grammar is refused when built, and an error at run time (never read in part)', () => {
  assert.match(problemOf(() => expr`jsonpath('{"a":1}', '$[(@.length-1)]')`), 'jsonpath() reads the path "$[(@.length-1)]" only as far as "[(@.length-1)]": a script subscript')
  assert.match(problemOf(() => expr`jsonpath('[1,2]', '$..')`), 'jsonpath() reads the path "$.."')
  const path = { _tag: 'ParamRef' as const, source: { kind: 'input' as const }, name: 'path', codec: t.string }
  const read = readVar({ steps: new Map(), inputs: { path: { kind: 'param' as const, wire: '$..' } }, params: {} })
  assert.throws(() => evaluate(expr`jsonpath('{"a":1}', ${path})`, read), (e: Error) => e instanceof EvalError && /jsonpath\("\$\.\."\): not read from "" on: \.\. is read before/.test(e.message))
})

test('=~ takes strings, and a literal pattern that Go and JavaScript read alike', () => {
  assert.match(problemOf(() => expr`${n} =~ "1"`), 'the left operand of "=~" must be string, not number')
  assert.match(problemOf(() => ex.matches(s, 3)), 'the pattern of "=~" must be string, not number')
  assert.match(problemOf(() => expr`${s} =~ ${'(a)\\1'}`), 'read alike by Go and here only up to "\\\\1"')
  assert.match(problemOf(() => expr`${s} =~ "(?=a)"`), 'only up to "(?=a)"')
  assert.match(problemOf(() => expr`${s} =~ "[[:alpha:]]"`), 'only up to "[:alpha:]]"')
  assert.match(problemOf(() => expr`${s} =~ "(a"`), 'only up to "(a"')
  assert.is(printExpr(expr`${s} matches "x" == true`, argoPath), "(inputs.parameters['word'] matches 'x') == true")
})

test('lists decode with their codec', () => {
  assert.equal(evaluate(expr`length(${xs}) + 1`, readVar(scopeOf())), 4)
  void t
})

test('refused when built, with the expression: what one side cannot do', () => {
  assert.match(problemOf(() => expr`"a" + null`), 'null has no sum')
  assert.match(problemOf(() => expr`${s} + null == "a"`), 'in: ${…} + null == "a"')
  assert.match(problemOf(() => expr`1e999 > 1`), 'the number Infinity is not finite')
  assert.match(problemOf(() => ex.lt(n, -Infinity)), 'the number -Infinity is not finite')
  assert.match(problemOf(() => expr`${NaN} == 1`), 'the number NaN is not finite')
  assert.match(problemOf(() => expr`1 in "abc"`), 'the left operand of "in" (a substring test) must be string')
  assert.match(problemOf(() => expr`jsonpath(${xs}, '$[0]')`), 'the document of jsonpath() must be string, not list')
})

test('a condition is boolean: when and ifExpr refuse a string or a number (govaluate would read "1 > 0")', () => {
  const leaf = shell({ name: 'leaf', script: () => sh`true` })
  assert.match(problemOf(() => when(expr`${s}`, step('x', leaf))), 'a condition must be boolean, not string')
  assert.match(problemOf(() => step('x', leaf, {}, { when: expr`${code} + 1` })), 'a condition must be boolean, not number')
  assert.match(problemOf(() => ifExpr(expr`${s}`, s, s)), 'a condition must be boolean, not string')
  when(expr`jsonpath('{"ok":true}', '$.ok')`, step('x', leaf)) // untyped: compared with true on both
})

test('an untyped condition is compared with true on Argo, as locally', () => {
  const e = expr`jsonpath(${s}, '$.ok')`
  assert.is(printCondition(e, argoPath), "jsonpath(inputs.parameters['word'], '$.ok') == true")
  assert.is(printCondition(expr`${n} > 1`, argoPath), "asFloat(steps['gen-a'].outputs.parameters['n']) > 1")
})

test('??: binds tighter than unary minus and *, as expr-lang; the builders give the same tree; one type on both sides', () => {
  assert.equal(expr`-${n} ?? 2 * 3`, ex.mul(ex.neg(ex.coalesce(n, 2)), 3))
  assert.equal(expr`${s} ?? "a" ?? "b"`, ex.coalesce(ex.coalesce(s, 'a'), 'b'))
  assert.match(problemOf(() => expr`${n} ?? "x"`), '"??" falls back from a number to a string')
  assert.is(printExpr(expr`${s} ?? "x"`, argoPath), "inputs.parameters['word'] ?? 'x'")
  // expr-lang reads `-a ?? b` as `-(a ?? b)`: a unary operand of ?? is parenthesised
  assert.is(printExpr(ex.coalesce(ex.neg(n), 1), argoPath), "(-asFloat(steps['gen-a'].outputs.parameters['n'])) ?? 1")
})

test.run()
