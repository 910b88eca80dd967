import { ex, exitCode, expr, status, t, type Expr, type ExprVar, type ParamRef } from 'dflow-ts'

const ref = <A>(codec: ParamRef<A>['codec'], name: string, source: ParamRef['source']): ParamRef<A> => ({ _tag: 'ParamRef', source, name, codec })

/** Variables of the table: a number output of step `gen-a`, a string input, a boolean workflow parameter, a list output, the item. */
export const n = ref(t.number, 'n', { kind: 'step', step: 'gen-a' })
export const s = ref(t.string, 'word', { kind: 'input' })
export const flag = ref(t.boolean, 'flag', { kind: 'workflow' })
export const xs = ref(t.array(t.number), 'xs', { kind: 'step', step: 'gen-b' })
export const item = ref(t.unknown, 'item', { kind: 'item', path: ['num'] })
export const st = status({ name: 'flaky' })
export const code = exitCode({ name: 'flaky' })

/** The wire strings the variables hold at run time (Argo carries strings). */
export const WIRE: ReadonlyMap<ExprVar, string> = new Map<ExprVar, string>([
  [n, '10'],
  [s, 'heads'],
  [flag, 'true'],
  [xs, '[1,2,3]'],
  [item, '4'],
  [st, 'Failed'],
  [code, '123'],
])

/** One row: the expression, the value it evaluates to with {@link WIRE}, and the expr-lang Argo gets. */
export interface Row {
  readonly name: string
  readonly e: Expr
  readonly value: unknown
  readonly argo: string
}

/**
 * The one table that drives both the local evaluator and the Argo printer.
 *
 * @example
 * ```ts
 * for (const r of TABLE) assert.equal(evaluate(r.e, read), r.value)
 * ```
 */
export const TABLE: readonly Row[] = [
  { name: 'number literal', e: expr`1 + 2 * 3`, value: 7, argo: '1 + (2 * 3)' },
  { name: 'numbers compare as numbers, not strings', e: expr`${n} < 9`, value: false, argo: "asFloat(steps['gen-a'].outputs.parameters['n']) < 9" },
  { name: 'string equality', e: expr`${s} == "heads"`, value: true, argo: "inputs.parameters['word'] == 'heads'" },
  { name: 'single-quoted string', e: expr`${s} != 'tails'`, value: true, argo: "inputs.parameters['word'] != 'tails'" },
  { name: 'boolean parameter', e: expr`!${flag}`, value: false, argo: "!(workflow.parameters['flag'] == 'true')" },
  { name: 'unary minus', e: expr`-${n} + 1`, value: -9, argo: "-asFloat(steps['gen-a'].outputs.parameters['n']) + 1" },
  { name: 'and / or', e: expr`${n} > 5 && ${s} == "x" || ${flag}`, value: true, argo: "((asFloat(steps['gen-a'].outputs.parameters['n']) > 5) && (inputs.parameters['word'] == 'x')) || (workflow.parameters['flag'] == 'true')" },
  { name: 'ternary', e: expr`${n} >= 10 ? "big" : "small"`, value: 'big', argo: "(asFloat(steps['gen-a'].outputs.parameters['n']) >= 10) ? 'big' : 'small'" },
  { name: 'in a list', e: expr`2 in ${xs}`, value: true, argo: "2 in jsonpath(steps['gen-b'].outputs.parameters['xs'], '$')" },
  { name: 'length of a list', e: expr`length(${xs})`, value: 3, argo: "len(jsonpath(steps['gen-b'].outputs.parameters['xs'], '$'))" },
  { name: 'asInt of a string', e: expr`asInt("42") + 1`, value: 43, argo: "asInt('42') + 1" },
  { name: 'asFloat', e: expr`asFloat("2.5") * 2`, value: 5, argo: "asFloat('2.5') * 2" },
  { name: 'string()', e: expr`string(${n}) + "!"`, value: '10!', argo: "string(asFloat(steps['gen-a'].outputs.parameters['n'])) + '!'" },
  { name: 'toJson', e: expr`toJson(${xs})`, value: '[1,2,3]', argo: "toJson(jsonpath(steps['gen-b'].outputs.parameters['xs'], '$'))" },
  { name: 'jsonpath', e: expr`jsonpath('{"a":{"b":7}}', '$.a.b')`, value: 7, argo: `jsonpath('{"a":{"b":7}}', '$.a.b')` },
  { name: 'modulo on integers', e: expr`${n} % 3 == 1`, value: true, argo: "(int(asFloat(steps['gen-a'].outputs.parameters['n'])) % int(3)) == 1" },
  { name: 'item field (untyped, read as JSON)', e: expr`asInt(string(${item})) % 2 == 0`, value: true, argo: "(int(asInt(string(jsonpath(item['num'], '$')))) % int(2)) == 0" },
  { name: 'status of a step', e: expr`${st} == "Failed"`, value: true, argo: "steps['flaky'].status == 'Failed'" },
  { name: 'exit code of a step', e: expr`${code} == 123`, value: true, argo: "asFloat(steps['flaky'].exitCode) == 123" },
  { name: 'builder functions give the same tree', e: ex.cond(ex.lt(n, 20), ex.add(s, '!'), 'no'), value: 'heads!', argo: "(asFloat(steps['gen-a'].outputs.parameters['n']) < 20) ? (inputs.parameters['word'] + '!') : 'no'" },
  { name: 'literal holes', e: expr`${3} * ${'a'.length}`, value: 3, argo: '3 * 1' },
]
