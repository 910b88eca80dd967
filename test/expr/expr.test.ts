import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, ex, expr, t, type ExprVar, type ParamRef } from 'dflow-ts'
import { readVar } from '../../lib/local/control.ts'
import { evaluate, EvalError } from '../../lib/local/expr-eval.ts'
import { printExpr } from '../../lib/argo/expr-print.ts'
import { n, s, TABLE, WIRE, xs } from './table.ts'

const scopeOf = () => {
  const steps = new Map<string, Record<string, { kind: 'param'; wire: string }>>()
  const inputs: Record<string, { kind: 'param'; wire: string }> = {}
  const params: Record<string, { kind: 'param'; wire: string }> = {}
  let item: { value: unknown } | undefined
  for (const [v, wire] of WIRE) {
    const r = v as ParamRef
    const val = { kind: 'param' as const, wire }
    if (r.source.kind === 'step') steps.set(r.source.step, { ...steps.get(r.source.step), [r.name]: val })
    else if (r.source.kind === 'input') inputs[r.name] = val
    else if (r.source.kind === 'workflow') params[r.name] = val
    else item = { value: { [r.source.path[0]!]: JSON.parse(wire) } }
  }
  return { steps, inputs, params, ...(item ? { item } : {}) }
}

const argoPath = (v: ExprVar): string => {
  switch (v._tag) {
    case 'ParamRef':
      switch (v.source.kind) {
        case 'step':
          return v.name === '$status' ? `steps.${v.source.step}.status` : v.name === '$exitCode' ? `steps.${v.source.step}.exitCode` : `steps.${v.source.step}.outputs.parameters.${v.name}`
        case 'input':
          return `inputs.parameters.${v.name}`
        case 'workflow':
          return `workflow.parameters.${v.name}`
        case 'item':
          return ['item', ...v.source.path].join('.')
      }
  }
}

for (const row of TABLE) {
  test(`local evaluator: ${row.name}`, () => {
    assert.equal(evaluate(row.e, readVar(scopeOf())), row.value)
  })
  test(`Argo printer: ${row.name}`, () => {
    assert.is(printExpr(row.e, argoPath), row.argo)
  })
}

const problemOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    assert.instance(e, DflowError)
    return (e as DflowError).problems.map((p) => p.message).join('\n')
  }
  throw new assert.Assertion({ message: 'expected a DflowError' } as never)
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
  assert.throws(() => evaluate(expr`${n} < 3`, readVar(bad)), (e: Error) => e instanceof EvalError && /expected number/.test(e.message))
})

test('lists decode with their codec', () => {
  assert.equal(evaluate(expr`length(${xs}) + 1`, readVar(scopeOf())), 4)
  void t
})

test.run()
