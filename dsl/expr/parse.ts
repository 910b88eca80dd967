import { DflowError, problem } from '../problem.ts'
import { FUNCTIONS, isExprVar, type BinaryOp, type Expr, type FnName } from './ast.ts'
import { checked, toExpr } from './build.ts'

type Token =
  | { readonly k: 'num'; readonly v: number; readonly at: number }
  | { readonly k: 'str'; readonly v: string; readonly at: number }
  | { readonly k: 'id'; readonly v: string; readonly at: number }
  | { readonly k: 'op'; readonly v: string; readonly at: number }
  | { readonly k: 'hole'; readonly v: unknown; readonly at: number }
  | { readonly k: 'end'; readonly at: number }

const HOLE_TEXT = '${…}'
const OPS = ['??', '&&', '||', '==', '!=', '=~', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '(', ')', ',']

/** The source as shown in errors (holes as `${…}`), and where each piece starts in it. */
const display = (strings: readonly string[]): { text: string; starts: number[] } => {
  const starts: number[] = []
  let text = ''
  strings.forEach((s, i) => {
    starts.push(text.length)
    text += s
    if (i < strings.length - 1) text += HOLE_TEXT
  })
  return { text, starts }
}

/** A parse error: the source with a caret under the bad position. */
const fail = (text: string, at: number, message: string): never => {
  throw new DflowError([problem(['expr'], `${message}\n  ${text}\n  ${' '.repeat(at)}^`, 'every variable enters through a ${…} hole; strings are quoted')])
}

const lex = (strings: readonly string[], holes: readonly unknown[]): Token[] => {
  const { text, starts } = display(strings)
  const tokens: Token[] = []
  strings.forEach((s, si) => {
    let i = 0
    const base = starts[si]!
    while (i < s.length) {
      const c = s[i]!
      const at = base + i
      if (/\s/.test(c)) {
        i++
        continue
      }
      const num = /^(\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(s.slice(i))
      if (num) {
        tokens.push({ k: 'num', v: Number(num[1]), at })
        i += num[1]!.length
        continue
      }
      if (c === '"' || c === "'") {
        let j = i + 1
        let v = ''
        while (j < s.length && s[j] !== c) {
          if (s[j] === '\\' && j + 1 < s.length) j++
          v += s[j]
          j++
        }
        if (j >= s.length) fail(text, at, 'unterminated string (a hole cannot be inside quotes)')
        tokens.push({ k: 'str', v, at })
        i = j + 1
        continue
      }
      const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))
      if (id) {
        tokens.push({ k: 'id', v: id[0], at })
        i += id[0].length
        continue
      }
      const op = OPS.find((o) => s.startsWith(o, i))
      if (!op) fail(text, at, `unexpected character "${c}"`)
      tokens.push({ k: 'op', v: op!, at })
      i += op!.length
    }
    if (si < holes.length) tokens.push({ k: 'hole', v: holes[si], at: base + s.length })
  })
  tokens.push({ k: 'end', at: text.length })
  return tokens
}

/**
 * How deep an expression may nest: parentheses, function calls and a "?:" inside a then-branch. Chains
 * (10,000 terms joined by `+`, `a ? b : c ? d : …`, `!!!x`) do not nest and have no limit.
 *
 * @example
 * ```ts
 * MAX_NESTING // 256
 * ```
 */
export const MAX_NESTING = 256

const PRECEDENCE: readonly (readonly BinaryOp[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>=', 'in', '=~'], ['+', '-'], ['*', '/', '%']]

/** Operators that are also written as a word. */
const WORDS: Partial<Record<BinaryOp, string>> = { in: 'in', '=~': 'matches' }

/**
 * Parses the pieces of an `` expr`…` `` template into a tree (not yet type-checked). Precedence, loosest
 * first: `?:`, `||`, `&&`, `== !=`, `< <= > >= in =~` (`=~` also written `matches`), `+ -`, `* / %`, unary `! -`,
 * `??` (nil-coalescing, tightest as in expr-lang).
 *
 * @example
 * ```ts
 * parseExpr(['', ' < 10'], [n]) // { _tag: 'Binary', op: '<', left: { _tag: 'Var', ref: n }, right: { _tag: 'Lit', value: 10 } }
 * ```
 */
export const parseExpr = (strings: readonly string[], holes: readonly unknown[]): Expr => {
  const { text } = display(strings)
  const toks = lex(strings, holes)
  let p = 0
  const peek = () => toks[p]!
  const isOp = (v: string) => peek().k === 'op' && (peek() as { v: string }).v === v
  const isWord = (v: string) => peek().k === 'id' && (peek() as { v: string }).v === v
  const expect = (v: string) => {
    if (!isOp(v)) fail(text, peek().at, `expected "${v}"`)
    p++
  }
  // Nesting (parentheses, calls, a "?:" inside a then-branch) is the parser's only recursion: chains of
  // binary operators, of unary operators and of else-branches are loops.
  let depth = 0
  const nested = <A>(at: number, f: () => A): A => {
    if (++depth > MAX_NESTING) fail(text, at, `nested deeper than ${MAX_NESTING} levels (parentheses, calls, "?:" in a then-branch)`)
    const a = f()
    depth--
    return a
  }
  const ternary = (): Expr => {
    const tests: Expr[] = []
    const thens: Expr[] = []
    let e = binary(0)
    while (isOp('?')) {
      const at = peek().at
      p++
      thens.push(nested(at, ternary))
      tests.push(e)
      expect(':')
      e = binary(0)
    }
    for (let i = tests.length - 1; i >= 0; i--) e = { _tag: 'Cond', test: tests[i]!, then: thens[i]!, else: e }
    return e
  }
  const binary = (level: number): Expr => {
    if (level >= PRECEDENCE.length) return unary()
    let left = binary(level + 1)
    for (;;) {
      const op = PRECEDENCE[level]!.find((o) => isOp(o) || (WORDS[o] !== undefined && isWord(WORDS[o]!)))
      if (!op) return left
      p++
      left = { _tag: 'Binary', op, left, right: binary(level + 1) }
    }
  }
  const unary = (): Expr => {
    const ops: ('!' | '-')[] = []
    while (isOp('!') || isOp('-')) ops.push((toks[p++] as { v: '!' | '-' }).v)
    let e = coalesce()
    for (let i = ops.length - 1; i >= 0; i--) e = { _tag: 'Unary', op: ops[i]!, arg: e }
    return e
  }
  // `??` binds tighter than every other operator, unary ones too, as in expr-lang (precedence 500): `-a ?? b` is `-(a ?? b)`
  const coalesce = (): Expr => {
    let e = primary()
    while (isOp('??')) {
      p++
      e = { _tag: 'Binary', op: '??', left: e, right: primary() }
    }
    return e
  }
  const primary = (): Expr => {
    const t = toks[p]!
    switch (t.k) {
      case 'num':
      case 'str':
        p++
        return { _tag: 'Lit', value: t.v }
      case 'hole': {
        p++
        const v = t.v
        if (isExprVar(v) || v === null || ['string', 'number', 'boolean'].includes(typeof v)) return toExpr(v as never)
        return fail(text, t.at, 'a hole must hold a reference (an output, an input, status(step), exitCode(step)…), or a string, number or boolean')
      }
      case 'id': {
        p++
        if (t.v === 'true' || t.v === 'false') return { _tag: 'Lit', value: t.v === 'true' }
        if (t.v === 'null') return { _tag: 'Lit', value: null }
        if (!isOp('(')) return fail(text, t.at, `bare name "${t.v}": variables enter through \${…} holes`)
        if (!(t.v in FUNCTIONS)) return fail(text, t.at, `unknown function "${t.v}" (known: ${Object.keys(FUNCTIONS).join(', ')})`)
        p++
        const args: Expr[] = []
        if (!isOp(')')) {
          args.push(nested(t.at, ternary))
          while (isOp(',')) {
            p++
            args.push(nested(t.at, ternary))
          }
        }
        expect(')')
        const arity = FUNCTIONS[t.v as FnName]
        if (args.length !== arity) fail(text, t.at, `${t.v}() takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`)
        return { _tag: 'Call', fn: t.v as FnName, args }
      }
      case 'op':
        if (t.v === '(') {
          p++
          const e = nested(t.at, ternary)
          expect(')')
          return e
        }
        return fail(text, t.at, `unexpected "${t.v}"`)
      case 'end':
        return fail(text, t.at, 'unexpected end of expression')
    }
  }
  const e = ternary()
  if (peek().k !== 'end') fail(text, peek().at, 'unexpected text after the expression')
  return e
}

/**
 * An expression, parsed when built into a tree and type-checked against the codecs of the references in
 * its holes. Literals, `!`, unary `-`, `+ - * / %`, comparisons, `&&`, `||`, `?:`, `in`, `=~` (a regular
 * expression in Go's syntax, the subset of `goRegex`; also written `matches`), `??` (the left value unless it
 * is nil: `null`, or an output its step was skipped without producing), and the functions
 * `length asInt asFloat string toJson jsonpath`. Bare names are errors: every variable is a `${…}` hole.
 *
 * @example
 * ```ts
 * expr`${plus1.outputs.iter} < ${inputs.limit}`        // a Binary '<' tree
 * expr`${flip.outputs.result} == "heads"`
 * expr`${msg} =~ "imminent node shutdown|pod deleted"`
 * expr`${producer.outputs.msg} ?? "fallback"`
 * expr`${n} < "x"`  // throws: "<" compares a number with a string
 * ```
 */
export const expr = (strings: TemplateStringsArray, ...holes: readonly unknown[]): Expr =>
  checked(deepFreeze(parseExpr(strings, holes)), display(strings).text)

/** Freezes a tree without recursion (references in holes are the user's and stay as they are). */
const deepFreeze = <T>(v: T): T => {
  const todo: unknown[] = [v]
  while (todo.length) {
    const x = todo.pop()
    if (typeof x !== 'object' || x === null || Object.isFrozen(x)) continue
    for (const y of Object.values(x)) if ((y as { _tag?: string })?._tag !== 'ParamRef') todo.push(y)
    Object.freeze(x)
  }
  return v
}
