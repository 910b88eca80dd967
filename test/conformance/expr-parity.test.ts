import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { foldExpr, FUNCTIONS, type Expr } from 'dflow-ts'
import { CASES, localResult, printed } from './expr-cases.ts'

// The parity table (test/conformance/expr-cases.ts) covers the whole language; its oracle leg, Argo's own
// libraries on the printed programs, is expr-parity.heavy.test.ts (npm run test:all).

const BINARY = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in', '??'] as const
const UNARY = ['!', '-'] as const

const used = (e: Expr): string[] =>
  foldExpr<string[]>(e, (x, kids) => [
    ...kids.flat(),
    x._tag === 'Binary' ? `binary ${x.op}` : x._tag === 'Unary' ? `unary ${x.op}` : x._tag === 'Call' ? `call ${x.fn}` : x._tag === 'Cond' ? 'cond' : `lit ${x._tag === 'Lit' ? (x.value === null ? 'null' : typeof x.value) : 'var'}`,
  ])

test('the parity table meets every operator, function and kind of literal of the DSL', () => {
  const seen = new Set(CASES.flatMap((c) => used(c.e)))
  const want = [...BINARY.map((o) => `binary ${o}`), ...UNARY.map((o) => `unary ${o}`), ...Object.keys(FUNCTIONS).map((f) => `call ${f}`), 'cond', 'lit number', 'lit string', 'lit boolean', 'lit null', 'lit var']
  assert.equal(want.filter((w) => !seen.has(w)), [])
})

test('every case evaluates locally to a value or an EvalError, and prints', () => {
  for (const c of CASES) {
    localResult(c.e)
    assert.type(printed(c.e).expr, 'string', c.name)
  }
})

test('the table has no two cases of one name', () => {
  const names = CASES.map((c) => c.name)
  assert.equal(names.filter((n, i) => names.indexOf(n) !== i), [])
})

test.run()
