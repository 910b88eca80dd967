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
export const zero = ref(t.number, 'zero', { kind: 'step', step: 'gen-a' })
export const million = ref(t.number, 'million', { kind: 'step', step: 'gen-a' })
export const doc = ref(t.unknown, 'doc', { kind: 'step', step: 'gen-b' })
export const count = ref(t.Int, 'count', { kind: 'step', step: 'gen-a' })
export const padded = ref(t.number, 'padded', { kind: 'step', step: 'gen-a' })
export const shout = ref(t.boolean, 'shout', { kind: 'workflow' })
export const quoted = ref(t.unknown, 'quoted', { kind: 'step', step: 'gen-b' })
export const bare = ref(t.unknown, 'bare', { kind: 'step', step: 'gen-b' })
export const strs = ref(t.array(t.number), 'strs', { kind: 'step', step: 'gen-b' })

/** The wire strings the variables hold at run time (Argo carries strings). */
export const WIRE: ReadonlyMap<ExprVar, string> = new Map<ExprVar, string>([
  [n, '10'],
  [s, 'heads'],
  [flag, 'true'],
  [xs, '[1,2,3]'],
  [item, '4'],
  [st, 'Failed'],
  [code, '123'],
  [zero, '0'],
  [million, '1000000'],
  [count, '3.0'],
  [padded, ' 10'],
  [shout, 'True'],
  [doc, '{"b":1e6,"a":"<&>","list":[1,"x",true,null]}'],
  [quoted, '"abc"'],
  [bare, 'heads-up'],
  [strs, '["1","4"]'],
])

/** The scope of the local interpreter holding {@link WIRE}. @example readVar(scopeOf()) */
export const scopeOf = () => {
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
    else if (r.source.kind === 'global') throw new Error(`the table has no workflow output ${r.name}`)
    else item = { value: { [r.source.path[0]!]: JSON.parse(wire) } }
  }
  return { steps, inputs, params, ...(item ? { item } : {}) }
}

/** The Argo variable path of a variable of the table, as the compiler names it. @example argoPath(st) // 'steps.flaky.status' */
export const argoPath = (v: ExprVar): string => {
  switch (v._tag) {
    case 'ParamRef':
      switch (v.source.kind) {
        case 'step':
          return v.name === '$status' ? `steps.${v.source.step}.status` : v.name === '$exitCode' ? `steps.${v.source.step}.exitCode` : `steps.${v.source.step}.outputs.parameters.${v.name}`
        case 'input':
          return `inputs.parameters.${v.name}`
        case 'workflow':
          return `workflow.parameters.${v.name}`
        case 'global':
          return `workflow.outputs.parameters.${v.name}`
        case 'item':
          return ['item', ...v.source.path].join('.')
      }
  }
}

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
  { name: 'string()', e: expr`string(${n}) + "!"`, value: '10!', argo: "toJson(asFloat(steps['gen-a'].outputs.parameters['n']) + 0) + '!'" },
  { name: 'toJson', e: expr`toJson(${xs})`, value: '[1,2,3]', argo: "toJson(jsonpath(steps['gen-b'].outputs.parameters['xs'], '$'))" },
  { name: 'jsonpath', e: expr`jsonpath('{"a":{"b":7}}', '$.a.b')`, value: 7, argo: `jsonpath('{"a":{"b":7}\\x7d', '$.a.b')` },
  { name: 'modulo on integers', e: expr`${n} % 3 == 1`, value: true, argo: "(int(asFloat(steps['gen-a'].outputs.parameters['n'])) % int(3)) == 1" },
  { name: 'item field (untyped, read as JSON)', e: expr`asInt(string(${item})) % 2 == 0`, value: true, argo: "(int(asInt(string(jsonpath(item['num'], '$')))) % int(2)) == 0" },
  { name: 'status of a step', e: expr`${st} == "Failed"`, value: true, argo: "steps['flaky'].status == 'Failed'" },
  { name: 'exit code of a step', e: expr`${code} == 123`, value: true, argo: "asFloat(steps['flaky'].exitCode) == 123" },
  { name: 'builder functions give the same tree', e: ex.cond(ex.lt(n, 20), ex.add(s, '!'), 'no'), value: 'heads!', argo: "(asFloat(steps['gen-a'].outputs.parameters['n']) < 20) ? (inputs.parameters['word'] + '!') : 'no'" },
  { name: 'regular-expression match =~ is expr-lang\'s matches', e: expr`${s} =~ "^h(ea|o)" && !(${st} matches "^Succ")`, value: true, argo: "(inputs.parameters['word'] matches '^h(ea|o)') && !(steps['flaky'].status matches '^Succ')" },
  { name: 'literal holes', e: expr`${3} * ${'a'.length}`, value: 3, argo: '3 * 1' },

  // Where Go and JavaScript differ, the printer and the evaluator agree (issue 9, item 3): each row is the
  // local value and the program Argo runs, which gives the same value.
  { name: 'a string literal holding "}}" and "{{": no delimiter reaches Argo', e: expr`${s} + "}}" == "heads}}" && length("{{x}}") == 5`, value: true, argo: "((inputs.parameters['word'] + '}\\x7d') == 'heads}\\x7d') && (len('{\\x7bx}\\x7d') == 5)" },
  { name: 'control characters and backslashes are escaped (expr-lang ends a literal at a newline)', e: expr`length(${'a\nb\\'}) == 4`, value: true, argo: "len('a\\x0ab\\x5c') == 4" },
  { name: 'division by zero is infinite on both (IEEE 754, Go float64)', e: expr`1 / ${zero} > 1e300 && -1 / ${zero} < 0`, value: true, argo: "((1 / asFloat(steps['gen-a'].outputs.parameters['zero'])) > 1e+300) && ((-1 / asFloat(steps['gen-a'].outputs.parameters['zero'])) < 0)" },
  { name: '0/0 is NaN, and NaN equals nothing (not even NaN, nor null)', e: expr`0 / ${zero} == 0 / ${zero} || 1 / ${zero} == null`, value: false, argo: "((0 / asFloat(steps['gen-a'].outputs.parameters['zero'])) == (0 / asFloat(steps['gen-a'].outputs.parameters['zero']))) || ((1 / asFloat(steps['gen-a'].outputs.parameters['zero'])) == nil)" },
  { name: 'integer division is float division (expr-lang "/" returns a float)', e: expr`7 / 2`, value: 3.5, argo: '7 / 2' },
  { name: '% truncates toward zero and keeps the sign of the dividend, as Go', e: expr`-7 % 3 == -1 && 7.9 % 2 == 1`, value: true, argo: '((int(-7) % int(3)) == -1) && ((int(7.9) % int(2)) == 1)' },
  { name: 'a float as text: the shortest digits, not Go\'s %v (1e+06)', e: expr`string(${million}) + " " + string(0.1 + 0.2)`, value: '1000000 0.30000000000000004', argo: "(toJson(asFloat(steps['gen-a'].outputs.parameters['million']) + 0) + ' ') + toJson((0.1 + 0.2) + 0)" },
  { name: 'large numbers: 1e21 as text, a literal past 2^53 printed as a float (Go would overflow an integer literal)', e: expr`string(1e21) == "1e+21" && 1e20 + 1 == 1e20`, value: true, argo: "(toJson(1e+21 + 0) == '1e+21') && ((1e+20 + 1) == 1e+20)" },
  { name: 'minus zero is "0" as text on both', e: expr`string(-${zero}) + toJson(${-0})`, value: '00', argo: "toJson(-asFloat(steps['gen-a'].outputs.parameters['zero']) + 0) + toJson((-0.0) + 0)" },
  { name: 'negative literal holes are parenthesised', e: expr`${-3} * 2 - -${-1}`, value: -7, argo: '((-3) * 2) - -(-1)' },
  { name: 'string() of an untyped value is Go\'s %v (map keys sorted, floats 1e+06)', e: expr`string(${doc})`, value: 'map[a:<&> b:1e+06 list:[1 x true <nil>]]', argo: "string(jsonpath(steps['gen-b'].outputs.parameters['doc'], '$'))" },
  { name: 'toJson is Go\'s json.Marshal (keys sorted, <>& escaped)', e: expr`toJson(${doc})`, value: '{"a":"\\u003c\\u0026\\u003e","b":1000000,"list":[1,"x",true,null]}', argo: "toJson(jsonpath(steps['gen-b'].outputs.parameters['doc'], '$'))" },
  { name: 'maps are equal whatever their key order, lists element by element', e: expr`jsonpath('{"a":1,"b":[2]}', '$') == jsonpath('{"b":[2],"a":1}', '$')`, value: true, argo: `jsonpath('{"a":1,"b":[2]}', '$') == jsonpath('{"b":[2],"a":1}', '$')` },
  { name: 'length of a string counts UTF-8 bytes (Go len)', e: expr`length("é")`, value: 2, argo: "len('é')" },
  { name: 'strings order by code point (UTF-8 bytes), not UTF-16 units', e: expr`"\uffff" < "😀"`, value: true, argo: "'\uffff' < '😀'" },
  { name: 'substring "in" is expr-lang\'s contains', e: expr`"ea" in ${s} && !("x" in ${s})`, value: true, argo: "(inputs.parameters['word'] contains 'ea') && !(inputs.parameters['word'] contains 'x')" },
  { name: '"in" a map looks at its keys, as expr-lang', e: expr`"list" in ${doc}`, value: true, argo: "'list' in jsonpath(steps['gen-b'].outputs.parameters['doc'], '$')" },
  { name: 'an untyped value in a boolean place is compared with true', e: expr`${flag} && jsonpath('{"ok":true}', '$.ok') && !jsonpath('{"ok":"yes"}', '$.ok')`, value: true, argo: `((workflow.parameters['flag'] == 'true') && (jsonpath('{"ok":true}', '$.ok') == true)) && !(jsonpath('{"ok":"yes"}', '$.ok') == true)` },
  { name: 'asFloat reads what Go\'s ParseFloat reads', e: expr`asFloat("1e3") + asFloat("-.5") + asFloat("0x1p-2") + asFloat("1_0")`, value: 1009.75, argo: "((asFloat('1e3') + asFloat('-.5')) + asFloat('0x1p-2')) + asFloat('1_0')" },
  { name: 'a boolean wire other than "true" is false (not an error)', e: expr`!${shout}`, value: true, argo: "!(workflow.parameters['shout'] == 'true')" },
  { name: 'asInt("-0") is the integer 0 (not -0: 1 / it is +Inf)', e: expr`1 / asInt("-0") > 0`, value: true, argo: "(1 / asInt('-0')) > 0" },
]

/** One row that fails at run time on both interpreters: the local message, the program, and what Argo's expr-lang says. */
export interface ErrorRow {
  readonly name: string
  readonly e: Expr
  readonly error: RegExp
  readonly argo: string
  /** The error of expr-lang (v1.17) on Argo, as its source says. */
  readonly onArgo: string
}

/**
 * Expressions that fail at run time, locally as on Argo (never a value on one side and an error on the other).
 *
 * @example
 * ```ts
 * for (const r of ERRORS) assert.throws(() => evaluate(r.e, read), r.error)
 * ```
 */
export const ERRORS: readonly ErrorRow[] = [
  { name: '% by zero', e: expr`${n} % ${zero} == 0`, error: /integer divide by zero/, argo: "(int(asFloat(steps['gen-a'].outputs.parameters['n'])) % int(asFloat(steps['gen-a'].outputs.parameters['zero']))) == 0", onArgo: 'runtime error: integer divide by zero' },
  { name: 'an integer wire that Atoi refuses', e: expr`${count} > 1`, error: /"count": asInt\("3.0"\): not an integer/, argo: "asInt(steps['gen-a'].outputs.parameters['count']) > 1", onArgo: 'invalid operation: int(3.0)' },
  { name: 'a number wire with a space', e: expr`${padded} > 1`, error: /"padded": asFloat\(" 10"\): not a number/, argo: "asFloat(steps['gen-a'].outputs.parameters['padded']) > 1", onArgo: 'invalid operation: float( 10)' },
  { name: 'asInt of a decimal', e: expr`asInt("3.5") == 3`, error: /strconv.Atoi/, argo: "asInt('3.5') == 3", onArgo: 'invalid operation: int(3.5)' },
  { name: 'asFloat of a padded number', e: expr`asFloat(" 1") == 1`, error: /strconv.ParseFloat/, argo: "asFloat(' 1') == 1", onArgo: 'invalid operation: float( 1)' },
  { name: 'asFloat out of range', e: expr`asFloat("1e999") > 0`, error: /out of range/, argo: "asFloat('1e999') > 0", onArgo: 'invalid operation: float(1e999)' },
  { name: '"in" a string not known to be one', e: expr`"a" in jsonpath('"abc"', '$')`, error: /"in" looks in a list/, argo: `'a' in jsonpath('"abc"', '$')`, onArgo: 'operator "in" not defined on string' },
  { name: 'a missing key in jsonpath', e: expr`jsonpath('{"a":1}', '$.b') == 1`, error: /not found/, argo: `jsonpath('{"a":1}', '$.b') == 1`, onArgo: "key 'b' not found" },
  { name: 'jsonpath of a value that is not a JSON string', e: expr`jsonpath(${doc}, '$.a') == 1`, error: /must be a JSON string/, argo: "jsonpath(jsonpath(steps['gen-b'].outputs.parameters['doc'], '$'), '$.a') == 1", onArgo: 'cannot use map[string]interface {} as argument (type string)' },
  { name: 'an infinite number as text', e: expr`toJson(1 / ${zero}) == ""`, error: /not finite/, argo: "toJson((1 / asFloat(steps['gen-a'].outputs.parameters['zero'])) + 0) == ''", onArgo: 'json: unsupported value: +Inf' },
  { name: 'a map added to a string at run time', e: expr`${doc} + "x" == ""`, error: /"\+" adds a map and a string/, argo: "(jsonpath(steps['gen-b'].outputs.parameters['doc'], '$') + 'x') == ''", onArgo: 'invalid operation: map[string]interface {} + string' },
  { name: 'a list ordered against a number', e: expr`jsonpath('[1]', '$') < 2`, error: /"<" compares a list with a number/, argo: "jsonpath('[1]', '$') < 2", onArgo: 'invalid operation: []interface {} < int' },
]

