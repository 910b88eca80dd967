import { ex, expr, lastRetry, t, type Expr, type ParamRef } from 'dflow-ts'
import type { AttemptRecord } from '../../lib/run/records.ts'
import { retryWhen } from '../../examples/argo/retry-conditional.ts'
import { readVar } from '../../lib/engine/control.ts'
import { evaluate, EvalError } from '../../lib/engine/expr-eval.ts'
import { printCondition, printExpr } from '../../lib/argo/expr-print.ts'
import { argoPath, bare, code, doc, ERRORS, flag, item, million, n, quoted, s, scopeOf, st, strs, TABLE, WIRE, xs, zero } from '../expr/table.ts'

/** One parity case: an expression built with the DSL, evaluated with the variables of test/expr/table.ts. @example const c: ParityCase = { name: 'sum', e: expr`1 + 2` } */
export interface ParityCase {
  readonly name: string
  readonly e: Expr
  /**
   * Why the oracle cannot evaluate it: Debian's expr (golang-github-antonmedv-expr-dev 1.8.9) is older than
   * Argo's expr-lang, or Debian does not package Argo's jsonpath library (the oracle's jsonpath is only the
   * subset `$`, `.key`, `['key']`, `[n]`). The oracle must fail on it (the heavy test checks that it still does).
   */
  readonly oracleLacks?: string
}

const FLATTEN = "Debian's expr lacks flatten (expr-lang v1.16)"
const JSONPATH = "Debian does not package Argo's jsonpath library (github.com/evilmonkeyinc/jsonpath): the oracle reads only $, .key, ['key'], [n]"
const EMPLOYEES = '{"employees": [{"name": "Baris", "age": 43}, {"name": "Mo", "age": 42}, {"name": "Jai", "age": 44}]}'
/** Outputs that step gen-a (which ran) did not produce: nil in an expression, as a skipped step's undefaulted outputs are on Argo. */
const absent: ParamRef<string> = { _tag: 'ParamRef', source: { kind: 'step', step: 'gen-a' }, name: 'missing', codec: t.string }
const absentN: ParamRef<number> = { _tag: 'ParamRef', source: { kind: 'step', step: 'gen-a' }, name: 'missing-n', codec: t.number }
const QQ = '?? (expr-lang v1.12)'

/**
 * Cases beyond test/expr's table, so that every operator, function and kind of value the DSL offers is
 * met: strings ordered, short-circuits over an error, numbers of every kind through every function, lists
 * and maps compared, nil.
 */
const MORE: readonly ParityCase[] = [
  { name: 'strings order by <, <=, >, >=', e: expr`"a" < "b" && "b" <= "b" && "c" > "b" && "b" >= "c"` },
  { name: 'subtraction and multiplication of variables', e: expr`${n} - 2.5 * ${n}` },
  { name: 'division of variables is float division', e: expr`${n} / 4` },
  { name: 'integer literals divide as floats', e: expr`length(${xs}) / 2` },
  { name: 'division by zero of literals', e: expr`1 / 0 > 0` },
  { name: '% of floats truncates both', e: expr`7.5 % 2 + -7.5 % 2` },
  { name: '% of an integer wire', e: expr`${code} % 10` },
  { name: 'double negation', e: expr`-(-${n})` },
  { name: 'not not', e: expr`!!${flag}` },
  { name: '&& short-circuits over an error', e: expr`false && asInt("x") == 1` },
  { name: '|| short-circuits over an error', e: expr`true || asInt("x") == 1` },
  { name: '?: evaluates only the branch taken', e: expr`${n} > 1 ? "yes" : string(asInt("x"))` },
  { name: 'nested ?:', e: expr`${n} < 5 ? "small" : ${n} < 50 ? "medium" : "large"` },
  { name: '== and != between an integer and a float', e: expr`asInt("3") == 3.0 && asInt("3") != 3.5` },
  { name: '!= between lists', e: expr`${xs} != jsonpath('[1,2]', '$')` },
  { name: '== between lists', e: expr`${xs} == jsonpath('[1,2,3]', '$')` },
  { name: 'null compares equal to null only', e: expr`null == null && ${s} != null` },
  { name: 'a string in a list of strings', e: expr`"b" in jsonpath('["a","b"]', '$') && !("c" in jsonpath('["a","b"]', '$'))` },
  { name: 'a number in a list read from JSON', e: expr`3 in ${xs} && !(4 in ${xs})` },
  { name: 'length of a map', e: expr`length(${doc})` },
  { name: 'length of a string variable', e: expr`length(${s})` },
  { name: 'asInt of a float truncates', e: expr`asInt(2.7) + asInt(-2.7)` },
  { name: 'asInt of a signed string', e: expr`asInt("+5") + asInt("-5")` },
  { name: 'asFloat of an integer', e: expr`asFloat(3) / 2` },
  { name: 'asFloat of inf and nan', e: expr`asFloat("inf") > 1e308 && asFloat("NaN") != asFloat("NaN")` },
  { name: 'string() of a string, a boolean and null', e: expr`string(${s}) + string(true) + string(null)` },
  { name: 'string() of a list', e: expr`string(${xs})` },
  { name: 'string() of a JSON float', e: expr`string(jsonpath('[1.5, 1e21, 1e-7]', '$'))` },
  { name: 'toJson of a string, a boolean and null', e: expr`toJson(${s}) + toJson(false) + toJson(null)` },
  { name: 'toJson of a number variable', e: expr`toJson(${million})` },
  { name: 'toJson of a list variable', e: expr`toJson(${xs})` },
  { name: 'jsonpath into a list', e: expr`jsonpath(toJson(${doc}), '$.list[1]')` },
  { name: 'jsonpath with a bracketed key', e: expr`jsonpath('{"a-b":{"c":[0,{"d":true}]}}', "$['a-b'].c[1].d")` },
  { name: 'jsonpath of the whole document', e: expr`jsonpath('[1,"x"]', '$')` },
  { name: 'an item field', e: expr`${item}` },
  { name: 'status and exit code together', e: expr`${st} != "Succeeded" && ${code} > 100` },
  { name: 'a number as text, and back', e: expr`asFloat(string(${n} / 3)) * 3` },
  { name: 'builders: every operator', e: ex.and(ex.or(ex.eq(ex.mod(ex.mul(ex.add(n, 1), 2), 5), 2), ex.ne(ex.sub(n, 1), ex.div(n, 2))), ex.not(ex.in('ea', s))) },
  { name: 'minus zero times one is -0 on both', e: expr`-${zero} * 1` },
  { name: '=~ searches anywhere, ^ and $ anchor', e: expr`${s} =~ "ea" && ${s} =~ "^h.*s$" && !(${s} =~ "^ea")` },
  { name: 'matches is =~', e: ex.and(expr`${st} matches "^(Failed|Error)$"`, ex.matches(s, 'h[aeiou]+d')) },
  { name: '=~ with the retry-conditional pattern', e: expr`"pod deleted by the node" =~ "imminent node shutdown|pod deleted" && !("ok" =~ "imminent node shutdown|pod deleted")` },
  { name: '=~: Go\'s . is any rune but \\n (JavaScript\'s would miss \\r and \\u2028, and halves of 😀)', e: expr`${'a\rb'} =~ "^a.b$" && ${'a\u2028b'} =~ "a.b" && "😀" =~ "^.$" && !(${'a\nb'} =~ "a.b")` },
  { name: '=~: (?s) lets . match \\n, (?i) ignores case', e: expr`${'a\nb'} =~ "(?s)a.b" && "HEADS" =~ "(?i)^heads$"` },
  { name: '=~: Go\'s \\s is [\\t\\n\\f\\r ] (JavaScript\'s has \\v and Unicode spaces)', e: expr`${'a\tb'} =~ ${'a\\sb'} && !(${'a\vb'} =~ ${'a\\sb'}) && !(${'a\u00a0b'} =~ ${'a\\sb'}) && ${'a\u00a0b'} =~ ${'a\\Sb'} && ${'a\tb'} =~ ${'a[\\s]b'}` },
  { name: '=~: classes, a leading ], repeats, escapes, a lone brace', e: expr`"]x" =~ "^[]a-z]+$" && "aaa" =~ "^a{2,3}$" && !("aaaa" =~ "^a{2,3}$") && "a.b" =~ ${'a\\.b'} && !("axb" =~ ${'a\\.b'}) && "x{" =~ "x{" && "A" =~ ${'\\x41'} && "😀" =~ ${'\\x{1F600}'} && "a-b" =~ ${'a\\-b'}` },
  { name: '=~ against a pattern read from a variable', e: expr`"heads" =~ ${s}` },
  { name: '=~: a pattern Go refuses fails on both', e: expr`"a" =~ jsonpath('"(a"', '$')` },
  { name: '=~ of a value that is not a string fails on both', e: expr`jsonpath('1', '$') =~ "1"` },
  // Divergences the oracle found (each fixed in the evaluator; see the README's expression section).
  { name: 'integers wrap at 64 bits in +, - and * (Go int), as asInt and length give them', e: expr`asInt("9223372036854775807") + 1 < 0 && asInt("4611686018427387904") * 2 < 0 && -asInt("-9223372036854775808") < 0` },
  { name: 'asInt of a float out of the int64 range is the minimum int64 (Go on amd64)', e: expr`asInt(1e19) + asInt(-1e19) / 2` },
  { name: '% of NaN and of a float out of range: int() is the minimum int64 (Go on amd64)', e: expr`asFloat("nan") % 2 + 1e19 % 3` },
  { name: 'an untyped wire that is a JSON string is that string (jsonpath reads it as JSON)', e: expr`${quoted} == "abc"` },
  { name: 'an untyped wire that is not JSON is an error on both (jsonpath cannot read it)', e: expr`${bare} == "heads-up"` },
  { name: 'a list wire is read as JSON, not through its codec: ["1","4"] holds strings', e: expr`!(1 in ${strs}) && "1" in ${strs} && length(${strs}) == 2` },
  { name: 'integer sums below 2^53 stay exact', e: expr`asInt("9007199254740991") - asInt("9007199254740990") + length(${xs}) * 2` },
  { name: 'a string with quotes, a tab and unicode', e: expr`${'it\'s "q"\t✓'} + ${s}` },
  // jsonpath beyond $, .key, ['key'], [n]: Argo's library (github.com/evilmonkeyinc/jsonpath) is not in Debian,
  // so the oracle cannot check these; test/expr/jsonpath.test.ts checks them against the library's own tests
  { name: 'jsonpath: a filter by a string gives a list (Argo\'s expression-destructure-json-complex)', e: expr`toJson(jsonpath(${EMPLOYEES}, '$.employees[?(@.name=="Baris")].age'))`, oracleLacks: JSONPATH },
  { name: 'jsonpath: a filter with && of number comparisons', e: expr`toJson(jsonpath(${EMPLOYEES}, '$.employees[?(@.age>42 && @.age<44)].name')) == '["Baris"]'`, oracleLacks: JSONPATH },
  { name: 'jsonpath: a filter with ||, != and =~, then an index of what it picked', e: expr`jsonpath(${EMPLOYEES}, "$.employees[?(@.name != 'Mo' || @.name =~ '^J')][1].name")`, oracleLacks: JSONPATH },
  { name: 'jsonpath: a wildcard, a range, a union, a negative index', e: expr`string(jsonpath(${EMPLOYEES}, '$.employees[*].name')) + string(jsonpath(${EMPLOYEES}, '$.employees[0:2].age')) + string(jsonpath('[1,2,3,4,5]', '$[4,1]')) + string(jsonpath('[1,2,3]', '$[-1]'))`, oracleLacks: JSONPATH },
  { name: 'jsonpath: recursive descent, maps in key order', e: expr`toJson(jsonpath('{"b":{"k":2},"a":{"k":1,"c":{"k":3}}}', '$..k'))`, oracleLacks: JSONPATH },
  { name: 'jsonpath: .length of a list', e: expr`jsonpath(${EMPLOYEES}, '$.employees.length') + 1`, oracleLacks: JSONPATH },
  { name: 'jsonpath: an index out of range after a filter fails on both', e: expr`jsonpath(${EMPLOYEES}, '$.employees[?(@.age > 50)][0]') == 1`, oracleLacks: JSONPATH },
  // expr-lang's nil-coalescing (v1.12+): Debian's expr 1.8.9 has no ??
  { name: '?? keeps a value that is not nil, "" too', e: expr`(${s} ?? "x") + ("" ?? "x")`, oracleLacks: QQ },
  { name: '?? falls back from null and from an output its step did not produce', e: expr`null ?? ${absent} ?? "fallback"`, oracleLacks: QQ },
  { name: '?? before coercion: a typed output absent falls back, present is read as a number', e: ex.add(ex.coalesce(absentN, 3), ex.coalesce(n, 0)), oracleLacks: QQ },
  { name: '?? binds tighter than unary minus and *', e: expr`-${absentN} ?? 2 * 3`, oracleLacks: QQ },
  { name: '?? does not evaluate its fallback when the value is there', e: expr`${s} ?? string(asInt("x"))`, oracleLacks: QQ },
  { name: 'an absent output without ?? is nil, which + refuses on both', e: expr`${absent} + "x"`, oracleLacks: QQ },
  // expr-lang's flatten (v1.16+): Debian's expr 1.8.9 has no flatten, so the oracle cannot check these
  { name: 'flatten of lists of lists at every depth', e: expr`toJson(flatten(jsonpath('[[1,2],[3,[4,[5]]],[]]', '$')))`, oracleLacks: FLATTEN },
  { name: 'flatten of a list variable', e: expr`length(flatten(${xs})) == length(${xs})`, oracleLacks: FLATTEN },
]

/**
 * Every parity case: test/expr's table and its failing rows, then {@link MORE}.
 *
 * @example
 * ```ts
 * for (const c of CASES) localResult(c.e)
 * ```
 */
export const CASES: readonly ParityCase[] = [...TABLE, ...ERRORS, ...MORE].map(({ name, e, ...rest }) => ({ name, e, ...('oracleLacks' in rest ? { oracleLacks: rest.oracleLacks as string } : {}) }))

/** What the local evaluator gives: a value, or its error. @example localResult(expr`1 + 2`) // { ok: true, value: 3 } */
export const localResult = (e: Expr): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string } => {
  try {
    return { ok: true, value: evaluate(e, readVar(scopeOf(), true)) }
  } catch (err) {
    if (err instanceof EvalError) return { ok: false, error: err.message }
    throw err
  }
}

/** The program Argo gets for an expression (`{{= … }}`'s text), and for a condition (`when`). @example printed(expr`1 < 2`) // { expr: '1 < 2', condition: '1 < 2' } */
export const printed = (e: Expr): { readonly expr: string; readonly condition: string } => ({ expr: printExpr(e, argoPath), condition: printCondition(e, argoPath) })

/** Argo's flat variables holding the table's wire strings (`steps.gen-a.outputs.parameters.n` → "10"). @example ARGO_ENV['inputs.parameters.word'] // 'heads' */
export const ARGO_ENV: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries([...WIRE].map(([v, wire]) => [argoPath(v), wire])))

/** Retry expressions, each read after attempts that ended in different ways (Argo's `retryStrategy.expression`). @example RETRY_CASES[0].e */
export const RETRY_CASES: readonly { readonly name: string; readonly e: Expr; readonly attempts: readonly AttemptRecord[] }[] = [
  {
    name: "Argo's retry-conditional",
    e: retryWhen,
    attempts: [
      { attempt: 0, phase: 'Failed', exitCode: 2, startedAt: '2026-01-01T00:00:00.900Z', finishedAt: '2026-01-01T00:00:02.100Z', message: 'exit code 2' },
      { attempt: 1, phase: 'Failed', exitCode: 1, message: 'exit code 1' },
      { attempt: 2, phase: 'Error', message: 'pod deleted' },
      { attempt: 3, phase: 'Failed', exitCode: 3, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:03:00Z', message: 'exit code 3' },
      { attempt: 4, phase: 'Failed', exitCode: 3, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:03:00Z', message: 'the imminent node shutdown' },
    ],
  },
  {
    name: 'every lastRetry variable, and an exit code that is not there (-1)',
    e: expr`${lastRetry.exitCode} < 0 || ${lastRetry.exitCode} % 2 == 1 && length(${lastRetry.message}) > 3 && ${lastRetry.duration} >= 1 && ${lastRetry.status} in jsonpath('["Failed","Error"]', '$')`,
    attempts: [
      { attempt: 0, phase: 'Error', message: 'x' },
      { attempt: 1, phase: 'Failed', exitCode: 3, startedAt: '2026-01-01T00:00:00.999Z', finishedAt: '2026-01-01T00:00:01.000Z', message: 'exit code 3' },
      { attempt: 2, phase: 'Failed', exitCode: 3, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.999Z', message: 'exit code 3' },
      { attempt: 3, phase: 'Failed', exitCode: 4, message: 'exit code 4' },
    ],
  },
  { name: 'an expression that fails at run time', e: expr`asInt(${lastRetry.message}) > 0`, attempts: [{ attempt: 0, phase: 'Failed', exitCode: 1, message: 'exit code 1' }, { attempt: 1, phase: 'Failed', message: '12' }] },
]
