import { DflowError, problem, type ParamRef } from 'dflow-ts'
import { langFunction } from './expr-lang-eval.ts'

/**
 * expr-lang (github.com/expr-lang/expr) as Argo evaluates `{{= … }}`, for what the DSL's expressions cannot
 * say: `let` bindings, predicates (`map(list, { … })` with `#`), ranges `a..b`, list and map literals,
 * indexing by expressions, and more functions. The parser follows expr-lang's parser/parser.go: operator
 * precedence (or 10, and 15, comparisons 20, `..` 25, `+ -` 30, `* / %` 60, unary `not` 50 and `-` 90), a
 * predicate in braces `{ … }` (so a map literal as a predicate's value is written `{ {k: v} }`), a map key that
 * is an identifier, string or number. A variable path (`steps['a'].outputs.result`) is resolved to a reference
 * when parsed; the evaluator (expr-lang-eval.ts) reads its wire text.
 */

/** A node of a parsed expr-lang expression. @example const n: LangNode = { _tag: 'Lit', value: 1 } */
export type LangNode =
  | { readonly _tag: 'Lit'; readonly value: string | number | boolean | null }
  | { readonly _tag: 'Ref'; readonly index: number }
  | { readonly _tag: 'Name'; readonly name: string }
  | { readonly _tag: 'Pointer' }
  | { readonly _tag: 'Member'; readonly of: LangNode; readonly key: LangNode }
  | { readonly _tag: 'Call'; readonly fn: string; readonly args: readonly LangNode[] }
  | { readonly _tag: 'Predicate'; readonly fn: string; readonly list: LangNode; readonly body: LangNode }
  | { readonly _tag: 'List'; readonly items: readonly LangNode[] }
  | { readonly _tag: 'Map'; readonly pairs: readonly (readonly [LangNode, LangNode])[] }
  | { readonly _tag: 'Unary'; readonly op: string; readonly arg: LangNode }
  | { readonly _tag: 'Binary'; readonly op: string; readonly left: LangNode; readonly right: LangNode }
  | { readonly _tag: 'Cond'; readonly test: LangNode; readonly then: LangNode; readonly else: LangNode }
  | { readonly _tag: 'Let'; readonly name: string; readonly value: LangNode; readonly body: LangNode }

/** A parsed expression and the references its variable paths resolved to (`Ref` nodes index them). @example parseLang('1 + 2', [], r).root */
export interface Parsed {
  readonly root: LangNode
  readonly refs: readonly ParamRef<any>[]
}

type Tok = { readonly k: 'num' | 'str' | 'id' | 'op' | 'end'; readonly v: string; readonly at: number }

const OPS = ['..', '??', '?.', '==', '!=', '<=', '>=', '&&', '||', '**', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', ',', ';', '=', '#', '.', '(', ')', '[', ']', '{', '}', '|']
const WORD_OPS = new Set(['and', 'or', 'not', 'in', 'matches', 'contains', 'startsWith', 'endsWith', 'let'])
const BINARY: Readonly<Record<string, number>> = { or: 10, '||': 10, and: 15, '&&': 15, '==': 20, '!=': 20, '<': 20, '>': 20, '<=': 20, '>=': 20, in: 20, matches: 20, contains: 20, startsWith: 20, endsWith: 20, '..': 25, '+': 30, '-': 30, '*': 60, '/': 60, '%': 60, '**': 100, '??': 500 }
const UNARY: Readonly<Record<string, number>> = { not: 50, '!': 50, '-': 90, '+': 90 }
/** Builtins that take a predicate as their second argument (parser.go `predicates`). */
export const PREDICATES = new Set(['all', 'none', 'any', 'one', 'filter', 'map', 'count', 'sum', 'find', 'findIndex', 'findLast', 'findLastIndex', 'groupBy', 'sortBy'])
const ROOTS = new Set(['inputs', 'outputs', 'steps', 'tasks', 'workflow', 'item', 'retries', 'lastRetry', 'pod', 'node', 'response'])

class SyntaxErr extends Error {}

const lex = (s: string): Tok[] => {
  const out: Tok[] = []
  for (let i = 0; i < s.length; ) {
    const c = s[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const num = /^(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?)/.exec(s.slice(i))
    // `1..3` is a range: the number stops before `..`
    if (num && /^[0-9]/.test(c)) {
      const text = num[0]
      out.push({ k: 'num', v: text, at: i })
      i += text.length
      continue
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      let v = ''
      for (; j < s.length && s[j] !== c; j++) {
        if (s[j] === '\\' && c !== '`') {
          const e = s[++j]
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : (e ?? '')
        } else v += s[j]
      }
      if (j >= s.length) throw new SyntaxErr(`unterminated string at ${i}`)
      out.push({ k: 'str', v, at: i })
      i = j + 1
      continue
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(s.slice(i))
    if (id) {
      out.push({ k: WORD_OPS.has(id[0]) ? 'op' : 'id', v: id[0], at: i })
      i += id[0].length
      continue
    }
    const op = OPS.find((o) => s.startsWith(o, i))
    if (!op) throw new SyntaxErr(`unexpected ${JSON.stringify(c)} at ${i}`)
    out.push({ k: 'op', v: op, at: i })
    i += op.length
  }
  out.push({ k: 'end', v: '', at: s.length })
  return out
}

/**
 * Parses an expr-lang expression; variable paths go through `resolve` (which throws a DflowError for a name it
 * does not know); a syntax error is a DflowError at `path`.
 *
 * @example
 * ```ts
 * parseLang("toJson(map(0..2, # * 2))", ['withParam'], resolve).root // Call(toJson, [Predicate(map, …)])
 * ```
 */
export const parseLang = (source: string, path: readonly string[], resolve: (name: string) => ParamRef<any>): Parsed => {
  const refs: ParamRef<any>[] = []
  const bound: string[] = []
  let toks: Tok[]
  try {
    toks = lex(source)
  } catch (e) {
    if (!(e instanceof SyntaxErr)) throw e
    throw new DflowError([problem(path, `the expression ${JSON.stringify(source)} does not parse: ${e.message}`)])
  }
  let p = 0
  let depth = 0
  const cur = () => toks[p]!
  const is = (v: string) => cur().k === 'op' && cur().v === v
  const expect = (v: string) => {
    if (!is(v)) throw new SyntaxErr(`expected ${JSON.stringify(v)} at ${cur().at}, got ${JSON.stringify(cur().v || 'the end')}`)
    p++
  }

  const expression = (prec = 0): LangNode => {
    if (prec === 0 && is('let')) {
      p++
      const name = cur()
      if (name.k !== 'id') throw new SyntaxErr(`expected a name after let at ${name.at}`)
      p++
      expect('=')
      const value = expression()
      expect(';')
      bound.push(name.v)
      const body = expression()
      bound.pop()
      return { _tag: 'Let', name: name.v, value, body }
    }
    let left = primary()
    for (;;) {
      const t = cur()
      if (t.k !== 'op') break
      let op = t.v
      let negate = false
      if (op === 'not' && toks[p + 1]?.k === 'op' && ['in', 'matches', 'contains', 'startsWith', 'endsWith'].includes(toks[p + 1]!.v)) {
        negate = true
        op = toks[p + 1]!.v
      }
      const pr = BINARY[op]
      if (pr === undefined || pr < prec) break
      p += negate ? 2 : 1
      const right = expression(op === '**' ? pr : pr + 1)
      left = { _tag: 'Binary', op, left, right }
      if (negate) left = { _tag: 'Unary', op: 'not', arg: left }
    }
    if (prec === 0 && is('?')) {
      p++
      const then = expression()
      expect(':')
      const els = expression()
      return { _tag: 'Cond', test: left, then, else: els }
    }
    return left
  }

  const primary = (): LangNode => {
    const t = cur()
    if (t.k === 'op' && UNARY[t.v] !== undefined) {
      p++
      return postfix({ _tag: 'Unary', op: t.v, arg: expression(UNARY[t.v]) })
    }
    if (is('(')) {
      p++
      const e = expression()
      expect(')')
      return postfix(e)
    }
    if (is('#')) {
      if (depth === 0) throw new SyntaxErr(`# outside a predicate at ${t.at}`)
      p++
      return postfix({ _tag: 'Pointer' })
    }
    return postfix(secondary())
  }

  const secondary = (): LangNode => {
    const t = cur()
    if (t.k === 'num') {
      p++
      const text = t.v.replace(/_/g, '')
      return { _tag: 'Lit', value: /^0x/i.test(text) ? parseInt(text, 16) : Number(text) }
    }
    if (t.k === 'str') return p++, { _tag: 'Lit', value: t.v }
    if (is('[')) {
      p++
      return { _tag: 'List', items: itemsUntil(']') }
    }
    if (is('{')) {
      p++
      const pairs: [LangNode, LangNode][] = []
      while (!is('}')) {
        if (pairs.length) expect(',')
        if (is('}')) break
        const k = cur()
        let key: LangNode
        if (k.k === 'num' || k.k === 'str' || k.k === 'id') (key = { _tag: 'Lit', value: k.v }), p++
        else if (is('(')) key = expression()
        else throw new SyntaxErr(`a map key must be a quoted string, a number, an identifier, or an expression in parentheses (at ${k.at})`)
        expect(':')
        pairs.push([key, expression()])
      }
      expect('}')
      return { _tag: 'Map', pairs }
    }
    if (t.k !== 'id') throw new SyntaxErr(`unexpected ${JSON.stringify(t.v || 'end')} at ${t.at}`)
    p++
    if (t.v === 'true' || t.v === 'false') return { _tag: 'Lit', value: t.v === 'true' }
    if (t.v === 'nil') return { _tag: 'Lit', value: null }
    // Argo's environment has sprig's functions under `sprig` (util/expr/env): `sprig.add(1, 2)`
    if (t.v === 'sprig' && !bound.includes(t.v) && is('.') && toks[p + 1]?.k === 'id' && toks[p + 2]?.v === '(') {
      const name = toks[p + 1]!
      p += 3
      return callOf(`sprig.${name.v}`, name.at)
    }
    if (is('(')) {
      p++
      if (PREDICATES.has(t.v)) {
        const list = expression()
        expect(',')
        const braced = is('{')
        if (braced) p++
        depth++
        const body = expression()
        depth--
        if (braced) expect('}')
        if (is(',')) p++
        expect(')')
        return { _tag: 'Predicate', fn: t.v, list, body }
      }
      return callOf(t.v, t.at)
    }
    if (ROOTS.has(t.v) && !bound.includes(t.v)) {
      // a variable path: constant members after a root name
      const parts = [t.v]
      for (;;) {
        if (is('.') && toks[p + 1]?.k === 'id') (parts.push(toks[p + 1]!.v), (p += 2))
        else if (is('.') && toks[p + 1]?.k === 'op' && /^[A-Za-z]+$/.test(toks[p + 1]!.v)) (parts.push(toks[p + 1]!.v), (p += 2))
        else if (is('[') && toks[p + 1]?.k === 'str' && toks[p + 2]?.k === 'op' && toks[p + 2]!.v === ']') (parts.push(toks[p + 1]!.v), (p += 3))
        else break
      }
      // names with dashes (`steps.flip-coin`) are one part in Argo's flat environment
      refs.push(resolve(parts.join('.')))
      return { _tag: 'Ref', index: refs.length - 1 }
    }
    if (!bound.includes(t.v)) throw new SyntaxErr(`unknown name ${t.v} at ${t.at}`)
    return { _tag: 'Name', name: t.v }
  }

  /** Expressions separated by commas (a trailing one allowed) up to and with `close`. */
  const itemsUntil = (close: string): LangNode[] => {
    const items: LangNode[] = []
    while (!is(close)) {
      if (items.length) expect(',')
      if (is(close)) break
      items.push(expression())
    }
    expect(close)
    return items
  }

  /** A call's arguments, after its `(`. */
  const callOf = (fn: string, at: number): LangNode => {
    if (!langFunction(fn)) throw new SyntaxErr(`the function ${fn} is not one the local importer evaluates (at ${at})`)
    return { _tag: 'Call', fn, args: itemsUntil(')') }
  }

  const postfix = (n: LangNode): LangNode => {
    for (;;) {
      if (is('.') || is('?.')) {
        p++
        const k = cur()
        if (k.k !== 'id' && !(k.k === 'op' && /^[A-Za-z]+$/.test(k.v))) throw new SyntaxErr(`expected a name at ${k.at}`)
        p++
        n = { _tag: 'Member', of: n, key: { _tag: 'Lit', value: k.v } }
        if (is('(')) throw new SyntaxErr(`method calls (.${k.v}(…)) are not supported at ${k.at}`)
        continue
      }
      if (is('[')) {
        p++
        const key = expression()
        if (is(':')) throw new SyntaxErr(`slices [a:b] are not supported at ${cur().at}`)
        expect(']')
        n = { _tag: 'Member', of: n, key }
        continue
      }
      return n
    }
  }

  try {
    const root = expression()
    if (cur().k !== 'end') throw new SyntaxErr(`unexpected ${JSON.stringify(cur().v)} at ${cur().at}`)
    return { root, refs }
  } catch (e) {
    if (!(e instanceof SyntaxErr)) throw e
    throw new DflowError([problem(path, `the expression ${JSON.stringify(source)} does not parse: ${e.message}`, "write it in expr-lang (Argo's {{= … }})")])
  }
}
