import { goRegex } from './regex.ts'

/*
 * The JSON paths of `jsonpath(doc, path)`, in the grammar both interpreters read as Argo does. Argo's jsonpath
 * (util/expr/env/env.go, `jsonPath`) unmarshals the document with encoding/json and calls
 * `jsonpath.Query(path, doc)` of github.com/evilmonkeyinc/jsonpath v0.8.1 (Argo 3.5 to 4.1 pin that version),
 * with no options; an error panics, which fails the expression. Where each rule below comes from, in that
 * library's source:
 *
 * - token/token.go `Tokenize`: a path starts with `$`, then `.name` or `[ … ]`; `..` is a token of its own
 *   (recursive descent) followed by a name, `*` or `[ … ]`; a subscript ends at the first `]` outside single
 *   quotes and parentheses (double quotes are not counted, so a double-quoted key holds no `]`, and no key
 *   holds a parenthesis or a bracket: those are not read here).
 * - token/token.go `Parse`: `*` and `[*]` are a wildcard; `.length` (dotted, unquoted) is the length token;
 *   `[?( … )]` a filter; `[n]` an index (`strconv.ParseInt`, so `-1` and `010`); `['k']`/`["k"]` a key;
 *   `[a,b]` a union of indices or of keys (a mix fails when applied: refused here); `[a:b:c]` a range with
 *   each bound optional; spaces between the parts are dropped. Scripts `[( … )]` are not read here.
 * - token/key.go: a key of a map; a missing key, or a value that is not a map, is an error (never nil).
 * - token/index.go: an index of a list, negative from the end; out of range, or not a list, is an error.
 * - token/length.go: the length of a list, of a string (bytes), of a map — or the map's own "length" key.
 * - token/wildcard.go: the values of a map in key order (sortMapKeys: bytewise) or the elements of a list;
 *   with a step after it, that step is applied to each, and the ones that fail or give nil are left out.
 *   Its result is always a list (`$.*.*` is a list of lists: nothing is flattened).
 * - token/union.go, token/range.go, token/filter.go: a list of what they pick; a missing key or an index out
 *   of range in a union is left out; a range clamps its bounds (negative from the end), a step of 0 is an
 *   error, a negative step walks from the end. After them an index step (`[?(…)][0]`) indexes the list they
 *   picked; any other step is applied to each element (failures and nils left out). So
 *   `$.employees[?(@.name=="Baris")].age` is `[43]`, a list.
 * - token/recursive.go: `..x` applies the rest of the path at every node, the node first, then its children
 *   (maps in key order); a result that is a list is spliced in, a failure or nil left out.
 * - script/standard/engine.go (the filter's expression): the first `||` outside quotes and brackets splits
 *   the expression, then `&&`, then `==`, `!=`, `<=`, `>=`, `<`, `>`, `=~`, then arithmetic and `in`, then
 *   `@` paths. So a dotted key holding `in` or `-` is cut by that operator (`@.info`): write `@['info']`.
 *   A failing part fails the whole filter for that element, which is then left out (filter.go ignores
 *   the error): `&&` and `||` evaluate both sides (logic_operators.go).
 * - script/standard/logic_operators.go, operators.go: `==`/`!=` compare as numbers when both sides read as
 *   floats (`getNumber`: a JSON number, a number literal), else as text (`getString`: a string value is
 *   `'value'` (complex_operators.go, the selector quotes it), a literal `"x"` or `'x'` is `'x'`, other values
 *   Go's `%v`, `null` `<nil>`); `<`, `<=`, `>`, `>=` need two numbers (else the element is left out).
 * - complex_operators.go `regexOperator`: `=~` matches Go's regexp (unanchored) over the text of the left
 *   side, one pair of single quotes taken off.
 * - token/filter.go `shouldInclude`: a bare path keeps the element when its value is true, a non-empty
 *   string, list or map, or a number not 0; a missing key leaves it out.
 */

/** A step of a parsed JSON path (see the rules at the top of this file). @example const s: JsonPathToken = { t: 'key', key: 'a' } */
export type JsonPathToken =
  | { readonly t: 'key'; readonly key: string }
  | { readonly t: 'index'; readonly index: number }
  | { readonly t: 'length' }
  | { readonly t: 'wildcard' }
  | { readonly t: 'recursive' }
  | { readonly t: 'keys'; readonly keys: readonly string[] }
  | { readonly t: 'indices'; readonly indices: readonly number[] }
  | { readonly t: 'range'; readonly from?: number; readonly to?: number; readonly step?: number }
  | { readonly t: 'filter'; readonly test: JsonPathFilter }

/** An operand of a filter's comparison: a path from `@` (keys and indices), or a literal with its text. @example const o: FilterOperand = { path: [{ t: 'key', key: 'age' }] } */
export type FilterOperand = { readonly path: readonly JsonPathToken[] } | { readonly lit: string | number | boolean | null; readonly text: string }

/** A filter's expression. @example const f: JsonPathFilter = { op: 'truthy', path: [{ t: 'key', key: 'isbn' }] } */
export type JsonPathFilter =
  | { readonly op: '&&' | '||'; readonly left: JsonPathFilter; readonly right: JsonPathFilter }
  | { readonly op: '==' | '!=' | '<' | '<=' | '>' | '>='; readonly left: FilterOperand; readonly right: FilterOperand }
  | { readonly op: '=~'; readonly left: FilterOperand; readonly right: FilterOperand; readonly pattern: { readonly source: string; readonly flags: string } }
  | { readonly op: 'truthy'; readonly path: readonly JsonPathToken[] }

/** A path read, or where it leaves the grammar and why. @example const r: JsonPathParse = { unsupported: '..', why: '.. is read before a name, * or a subscript' } */
export type JsonPathParse = { readonly tokens: readonly JsonPathToken[] } | { readonly unsupported: string; readonly why: string }

class Unread extends Error {
  constructor(
    readonly at: number,
    readonly why: string,
  ) {
    super(why)
  }
}

const NAME = /^[A-Za-z0-9_-]+/
const FILTER_NAME = /^[A-Za-z0-9_]+/
const INT = /^-?\d{1,15}(?![\d.])/
const NUMBER = /^-?\d{1,15}(?:\.\d{1,15})?(?![\w.])/
const KEY = /^(?:'([^'"\\()[\]]*)'|"([^'"\\()[\]]*)")/

/** A small scanner over the path text; every failure names the position and what is not read there. */
const scanner = (text: string) => {
  let i = 0
  const s = {
    get at() {
      return i
    },
    rest: () => text.slice(i),
    fail: (why: string, at = i): never => {
      throw new Unread(at, why)
    },
    ws: () => {
      while (text[i] === ' ') i++
    },
    eat: (lit: string): boolean => {
      if (!text.startsWith(lit, i)) return false
      i += lit.length
      return true
    },
    match: (re: RegExp): RegExpExecArray | undefined => {
      const m = re.exec(text.slice(i))
      if (m) i += m[0].length
      return m ?? undefined
    },
  }
  return s
}
type Scanner = ReturnType<typeof scanner>

const SUBSCRIPT = "a subscript holds an index, a quoted key ('k' or \"k\", without quotes, backslashes, brackets or parentheses in it), a union [a,b], a range [a:b:c], * or a filter [?( … )]"

const keyOf = (m: RegExpExecArray): string => m[1] ?? m[2]!

/** `[ … ]` after the `[`: an index, a key, a union, a range, `*` or a filter. */
const bracket = (s: Scanner, inFilter: boolean): JsonPathToken => {
  const start = s.at - 1
  s.ws()
  if (!inFilter && s.eat('*')) {
    s.ws()
    if (!s.eat(']')) s.fail('[*] is a wildcard alone', start)
    return { t: 'wildcard' }
  }
  if (!inFilter && s.eat('?(')) {
    const test = filter(s)
    if (!s.eat(')]')) s.fail('a filter ends with )]')
    return { t: 'filter', test }
  }
  if (s.rest().startsWith('(') || s.rest().startsWith('?')) s.fail('a script subscript [( … )] is not read (a filter is [?( … )])', start)
  const parts: (number | string | undefined)[] = []
  const seps: string[] = []
  for (;;) {
    s.ws()
    const k = s.match(KEY)
    const n = k ? undefined : s.match(INT)
    parts.push(k ? keyOf(k) : n ? Number(n[0]) : undefined)
    s.ws()
    if (s.eat(']')) break
    const sep = s.eat(',') ? ',' : s.eat(':') ? ':' : s.fail(SUBSCRIPT, start)
    seps.push(sep)
  }
  const kinds = new Set(seps)
  if (kinds.size > 1) s.fail('a subscript is a union [a,b] or a range [a:b:c], not both', start)
  if (inFilter && seps.length) s.fail('a path in a filter reads .key, [\'key\'] and [n]', start)
  if (kinds.has(':')) {
    if (seps.length > 2 || parts.some((p) => typeof p === 'string')) s.fail('a range [a:b:c] has at most three integer bounds', start)
    const [from, to, step] = parts as (number | undefined)[]
    if (step === 0) s.fail("a range's step is not 0 (the library fails on it)", start)
    return { t: 'range', ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(step !== undefined ? { step } : {}) }
  }
  if (parts.some((p) => p === undefined)) s.fail(SUBSCRIPT, start)
  if (parts.length === 1) return typeof parts[0] === 'string' ? { t: 'key', key: parts[0] } : { t: 'index', index: parts[0] as number }
  if (parts.every((p) => typeof p === 'string')) return { t: 'keys', keys: parts as string[] }
  if (parts.every((p) => typeof p === 'number')) return { t: 'indices', indices: parts as number[] }
  return s.fail('a union is of indices or of keys, not both (the library fails on a mix)', start)
}

/** A dotted name after `.` or `..`: a key, or the length token for `length`. */
const named = (name: string): JsonPathToken => (name === 'length' ? { t: 'length' } : { t: 'key', key: name })

/** The path from `@` in a filter: `.key` (letters, digits, `_`; no `in`, which the library's filter cuts at), `['key']`, `[n]`. */
const relative = (s: Scanner): JsonPathToken[] => {
  const out: JsonPathToken[] = []
  for (;;) {
    if (s.eat('.')) {
      const at = s.at
      const m = s.match(FILTER_NAME) ?? s.fail('a path in a filter reads .key (letters, digits and _), [\'key\'] and [n]')
      if (m[0].includes('in')) s.fail(`the dotted key "${m[0]}" holds "in", the library's operator, which cuts it in a filter: write @['${m[0]}']`, at)
      if (m[0] === 'length') s.fail('.length in a filter is not read here: compare a key or an index', at)
      out.push({ t: 'key', key: m[0] })
    } else if (s.eat('[')) out.push(bracket(s, true))
    else return out
  }
}

/** Text whose parentheses and brackets are balanced in order (the library's tokenizer counts them even in quotes). */
const balanced = (t: string): boolean => {
  let p = 0
  let b = 0
  for (const c of t) {
    p += c === '(' ? 1 : c === ')' ? -1 : 0
    b += c === '[' ? 1 : c === ']' ? -1 : 0
    if (p < 0 || b < 0) return false
  }
  return p === 0 && b === 0
}

const operand = (s: Scanner): FilterOperand => {
  s.ws()
  if (s.eat('@')) return { path: relative(s) }
  const str = s.match(/^(?:'([^'"]*)'|"([^'"]*)")/)
  if (str) {
    const v = keyOf(str)
    if (!balanced(v)) s.fail('a string in a filter holds parentheses and brackets only in balanced pairs', s.at - str[0].length)
    return { lit: v, text: `'${v}'` }
  }
  const num = s.match(NUMBER)
  if (num) return { lit: Number(num[0]), text: num[0] }
  const word = s.match(/^(true|false|null)(?![\w])/)
  if (word) return { lit: word[0] === 'null' ? null : word[0] === 'true', text: word[0] === 'null' ? '<nil>' : word[0] }
  return s.fail('a filter compares @ paths, strings in quotes (no quotes inside), numbers (-12.5: no exponent), true, false and null')
}

const COMPARISONS = ['==', '!=', '<=', '>=', '=~', '<', '>'] as const

const comparison = (s: Scanner): JsonPathFilter => {
  const start = s.at
  const left = operand(s)
  s.ws()
  const op = COMPARISONS.find((o) => s.eat(o))
  if (!op) {
    if ('path' in left) return { op: 'truthy', path: left.path }
    return s.fail('a filter is @-paths compared with ==, !=, <, <=, >, >=, =~, joined by && and || (no parentheses, !, arithmetic or in)')
  }
  const right = operand(s)
  if (op !== '=~') return { op, left, right }
  if (!('lit' in right) || typeof right.lit !== 'string') return s.fail('the pattern of =~ in a filter is a string in quotes', start)
  const g = goRegex(right.lit)
  if ('unsupported' in g) return s.fail(`the pattern ${JSON.stringify(right.lit)} is read alike by Go and here only up to ${JSON.stringify(g.unsupported)}`, start)
  return { op, left, right, pattern: g }
}

const joined = (s: Scanner, op: '||' | '&&', part: (s: Scanner) => JsonPathFilter): JsonPathFilter => {
  let left = part(s)
  for (;;) {
    s.ws()
    if (!s.eat(op)) return left
    const right = part(s)
    if (left.op === 'truthy' || right.op === 'truthy') s.fail(`a bare path is read as a test only alone, not beside ${op}: compare it (@.x == true)`)
    left = { op, left, right }
  }
}

const filter = (s: Scanner): JsonPathFilter => {
  const f = joined(s, '||', (x) => joined(x, '&&', comparison))
  s.ws()
  return f
}

/**
 * Reads a JSON path in the grammar both interpreters read as Argo's `jsonpath()` does (the rules, and where
 * they are in the library Argo uses, are at the top of this file): `$`, then `.key`, `['key']`, `["key"]`,
 * `[n]` (negative from the end), `.length`, `*`/`[*]`, `..` before a name, `*` or a subscript, unions
 * `[0,2]`/`['a','b']`, ranges `[a:b:c]`, and filters `[?( … )]` comparing `@` paths with strings, numbers,
 * `true`, `false` and `null` by `==`, `!=`, `<`, `<=`, `>`, `>=` and `=~`, joined by `&&` and `||`. Outside the
 * grammar: the text from where it is left, and why.
 *
 * @example
 * ```ts
 * parseJsonPath('$.a[0]')                        // { tokens: [{ t: 'key', key: 'a' }, { t: 'index', index: 0 }] }
 * parseJsonPath('$.e[?(@.name=="Baris")].age')   // { tokens: [key e, filter, key age] }
 * parseJsonPath('$[(@.length-1)]')               // { unsupported: '[(@.length-1)]', why: 'a script subscript …' }
 * ```
 */
export const parseJsonPath = (path: string): JsonPathParse => {
  const s = scanner(path)
  const tokens: JsonPathToken[] = []
  try {
    if (!s.eat('$')) s.fail('a path starts with $')
    while (s.rest()) {
      if (s.eat('..')) {
        tokens.push({ t: 'recursive' })
        if (s.eat('*')) tokens.push({ t: 'wildcard' })
        else if (s.eat('[')) tokens.push(bracket(s, false))
        else tokens.push(named((s.match(NAME) ?? s.fail('.. is read before a name, * or a subscript'))[0]))
      } else if (s.eat('.')) {
        if (s.eat('*')) tokens.push({ t: 'wildcard' })
        else tokens.push(named((s.match(NAME) ?? s.fail('a dotted key is letters, digits, _ and - (others go in quotes: [\'a b\'])'))[0]))
      } else if (s.eat('[')) tokens.push(bracket(s, false))
      else s.fail('a step is .key, [ … ] or ..')
    }
    return { tokens }
  } catch (e) {
    if (e instanceof Unread) return { unsupported: path.slice(e.at), why: e.why }
    throw e
  }
}

/**
 * The problem with a literal path that jsonpath() does not read, naming where and what; undefined when it
 * reads it. The DSL's type check and the Argo importer both report it.
 *
 * @example
 * ```ts
 * jsonPathProblem('$[(@.length-1)]') // 'jsonpath() reads the path "$[(@.length-1)]" only as far as "[(@.length-1)]": a script subscript …'
 * jsonPathProblem('$.a')             // undefined
 * ```
 */
export const jsonPathProblem = (path: string): string | undefined => {
  const r = parseJsonPath(path)
  return 'unsupported' in r ? `jsonpath() reads the path ${JSON.stringify(path)} only as far as ${JSON.stringify(r.unsupported)}: ${r.why}` : undefined
}
