import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { problemOf } from './problem-of.ts'
import { expr, mapVars, typeProblems, varsOf, type Expr } from 'dflow-ts'
import { evaluate } from '../../lib/engine/expr-eval.ts'
import { EXPR_LANG_MAX_NODES, printExpr } from '../../lib/argo/expr-print.ts'
import { code, n } from './table.ts'

/** `expr` called as a tagged template is, with the pieces between holes. */
const tagged = (pieces: readonly string[], holes: readonly unknown[] = []): Expr => expr(Object.assign([...pieces], { raw: [...pieces] }), ...holes)
const path = () => 'inputs.parameters.n'
const read = () => 10


test('10,000 chained "+" (a tree 10,000 deep) build, type-check, list their variables and evaluate', () => {
  const e = tagged(['', ...Array.from({ length: 9_999 }, () => ' + '), ''], Array.from({ length: 10_000 }, () => n))
  assert.is(varsOf(e).length, 10_000)
  assert.equal(typeProblems(e), [])
  assert.is(evaluate(e, read), 100_000)
})

test('a long chain prints for Argo up to expr-lang\'s node limit, and past it is a DflowError (not a stack overflow)', () => {
  const chain = (terms: number) => tagged([Array.from({ length: terms }, () => '1').join(' + ')])
  const ok = printExpr(chain(4_000), path) // 7,999 nodes
  assert.ok(ok.startsWith('(((') && ok.endsWith(' + 1'))
  assert.match(problemOf(() => printExpr(chain(5_001), path)), `the expression is 10001 expr-lang nodes: Argo's expr-lang refuses more than ${EXPR_LANG_MAX_NODES}`)
})

test('4,700 chained "?:" and 10,000 "!" are loops, not recursion', () => {
  const k = 4_700
  const e = tagged(['', ...Array.from({ length: k }, (_, i) => ` > ${i + 10} ? ${i} : `), ''], [...Array.from({ length: k }, () => n), -1])
  assert.is(evaluate(e, read), -1)
  assert.is(evaluate(tagged([`${'!'.repeat(10_000)}true`]), read), true)
  assert.is(evaluate(tagged(['', ` > 5 ? 1 : ${'0 > 1 ? 2 : '.repeat(k)}3`], [n]), read), 1)
})

test('nesting (parentheses, calls) up to 256 levels parses; deeper is a DflowError with a caret', () => {
  assert.is(evaluate(tagged([`${'('.repeat(256)}1${')'.repeat(256)}`]), read), 1)
  const m = problemOf(() => tagged([`${'('.repeat(841)}1${')'.repeat(841)}`]))
  assert.match(m, 'nested deeper than 256 levels (parentheses, calls, "?:" in a then-branch)')
  assert.match(m, '\n  ' + ' '.repeat(256) + '^')
  assert.match(problemOf(() => tagged([`${'length(string('.repeat(200)}1${'))'.repeat(200)}`])), 'nested deeper than 256')
})

test('a tree 100,000 deep made without the parser is walked without recursion by every pass', () => {
  let e: Expr = { _tag: 'Var', ref: n }
  for (let i = 0; i < 100_000; i++) e = { _tag: 'Unary', op: '-', arg: e }
  assert.equal(typeProblems(e), [])
  assert.is(varsOf(e).length, 1)
  assert.is(evaluate(e, read), 10)
  assert.match(problemOf(() => printExpr(e, path)), 'expr-lang nodes')
  assert.is(mapVars(e, (v) => v), e)
  assert.equal(varsOf(mapVars(e, () => code)), [code])
})

test.run()
