import { DflowError, parseExpr, replaceVars, t, type Expr, type ParamRef } from 'dflow-ts'
import { argoValue } from './argo-value.ts'
import { pieces } from './tags.ts'
import { fail } from './fail.ts'

/**
 * Resolves a variable of an Argo expression (`inputs.parameters.x`, `steps.a.outputs.result`, …) to a
 * reference; `quoted` says whether a govaluate condition had the tag between quotes (then it is a string).
 *
 * @example
 * ```ts
 * const r: VarResolver = (name) => ({ _tag: 'ParamRef', source: { kind: 'input' }, name: name.split('.').pop()!, codec: t.string })
 * ```
 */
export type VarResolver = (name: string, quoted: boolean) => ParamRef<any>

/** Re-throws a parse error of the DSL's expression parser at the document's path. */
const parsed = (path: readonly string[], source: string, strings: readonly string[], holes: readonly unknown[]): Expr => {
  try {
    return parseExpr(strings, holes)
  } catch (e) {
    if (!(e instanceof DflowError)) throw e
    return fail(path, `the expression ${JSON.stringify(source)} does not parse: ${e.problems.map((p) => p.message.replace(/\n[\s\S]*/, '')).join('; ')}`, 'write it in the subset of expr-lang / govaluate Argo examples use')
  }
}

const QUOTES = new Set(['"', "'"])

/**
 * Parses a `when` in govaluate syntax, after Argo's fashion: every `{{tag}}` is a value pasted into the text
 * (a string when it stands between quotes, else read as govaluate's lexer reads it: see `argoValue`), and a
 * bare word is a string (Argo turns govaluate's variables into strings, workflow/controller/operator.go
 * `shouldExecute`).
 *
 * @example
 * ```ts
 * govaluate('{{steps.flip.outputs.result}} == heads', ['when'], resolve) // Binary(==, Var(result), Lit('heads'))
 * ```
 */
export const govaluate = (source: string, path: readonly string[], resolve: VarResolver): Expr => {
  const strings: string[] = ['']
  const holes: unknown[] = []
  const ps = [...pieces(source)]
  ps.forEach((p, i) => {
    if (p._tag === 'ExprTag') fail(path, 'an expression tag {{=…}} inside a govaluate condition', 'write the whole condition as one {{=…}} expression')
    if (p._tag === 'Tag') {
      const before = strings[strings.length - 1]!
      const next = ps[i + 1]
      const q = before.slice(-1)
      const quoted = QUOTES.has(q) && next?._tag === 'Text' && next.text.startsWith(q)
      if (quoted) {
        strings[strings.length - 1] = before.slice(0, -1)
        ps[i + 1] = { _tag: 'Text', text: next.text.slice(1) }
      }
      holes.push(resolve(p.name, quoted))
      strings.push('')
      return
    }
    if (p._tag === 'Text') strings[strings.length - 1] += bareWordsQuoted(p.text, path, source)
  })
  // a pasted tag is a substitution, not an expr-lang variable: an absent value is an error (Argo v4's scope.go getParametersAny)
  return replaceVars(pastedBooleans(parsed(path, source, strings, holes)), (_, node) => Object.freeze({ ...node, substituted: true }) as Expr)
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>='])

/**
 * `{{tag}} == true` in govaluate: the pasted text lexes as a boolean when it is `true`/`false`, else as a
 * string or number, which never equals a boolean — so the comparison holds exactly when the text is `true`.
 * The DSL types a pasted value as text, so the comparison becomes one of texts (`'true'`), which means the same.
 */
const pastedBooleans = (e: Expr): Expr => {
  if (e._tag === 'Binary' && COMPARISONS.has(e.op)) {
    // `{{tag}} != 1`: the pasted text lexes as a number when it is one (Argo's fibonacci examples compare
    // `{{inputs.parameters.num}} != 1`), so the comparison is of numbers — read as the DSL reads a number
    // (Go's strconv): a text that is no number then errors the step, where govaluate would compare a string
    // with a number (never equal, and an error for an ordering).
    const asNumber = (v: Expr, lit: Expr): Expr | undefined =>
      v._tag === 'Var' && v.ref.codec === argoValue && lit._tag === 'Lit' && typeof lit.value === 'number' ? { _tag: 'Var', ref: { ...v.ref, codec: t.number } } : undefined
    const ln = asNumber(e.left, e.right)
    const rn = asNumber(e.right, e.left)
    if (ln) return { ...e, left: ln }
    if (rn) return { ...e, right: rn }
  }
  if (e._tag === 'Binary' && (e.op === '==' || e.op === '!=')) {
    const asText = (v: Expr, lit: Expr): [Expr, Expr] | undefined =>
      v._tag === 'Var' && v.ref.codec === argoValue && lit._tag === 'Lit' && typeof lit.value === 'boolean' ? [{ _tag: 'Var', ref: { ...v.ref, codec: t.string } }, { _tag: 'Lit', value: String(lit.value) }] : undefined
    const l = asText(e.left, e.right)
    const r = asText(e.right, e.left)
    if (l) return { ...e, left: l[0], right: l[1] }
    if (r) return { ...e, left: r[1], right: r[0] }
  }
  if (e._tag === 'Binary') return { ...e, left: pastedBooleans(e.left), right: pastedBooleans(e.right) }
  if (e._tag === 'Unary') return { ...e, arg: pastedBooleans(e.arg) }
  return e
}

/** A govaluate text with its bare words made strings (`heads` → `'heads'`); quoted strings stay as they are. */
const bareWordsQuoted = (text: string, path: readonly string[], source: string): string => {
  let out = ''
  for (let i = 0; i < text.length; ) {
    const c = text[i]!
    if (QUOTES.has(c)) {
      const end = text.indexOf(c, i + 1)
      if (end < 0) fail(path, `unterminated string in ${JSON.stringify(source)} (a quote around a tag must close right after it)`)
      out += text.slice(i, end + 1)
      i = end + 1
      continue
    }
    // `=~` is govaluate's regex match, the DSL's `=~` (Go's regexp on both); its negation is not in the DSL yet
    if (text.startsWith('!~', i)) fail(path, `the negated regex match !~ in ${JSON.stringify(source)} is not supported yet`, 'write !(a =~ b)')
    if (text.startsWith('=~', i)) {
      out += '=~'
      i += 2
      continue
    }
    const w = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))
    if (w) {
      const word = w[0]
      out += word === 'true' || word === 'false' ? word : `'${word}'`
      i += word.length
      continue
    }
    out += c
    i++
  }
  return out
}

const ROOTS = new Set(['inputs', 'outputs', 'steps', 'tasks', 'workflow', 'item', 'retries', 'lastRetry', 'pod', 'node'])
const WORDS: Readonly<Record<string, string>> = { and: '&&', or: '||', not: '!', nil: 'null' }

/**
 * Parses an expr-lang expression (the inside of `{{= … }}`) into the DSL's expression tree: variable paths
 * (`inputs.parameters.x`, `inputs.parameters['x']`, `steps['a'].outputs.result`) become references (strings,
 * as Argo puts every parameter in expr-lang's environment as a string: util/template/expression_template.go);
 * `and`/`or`/`not` are `&&`/`||`/`!`; functions must be ones the DSL's evaluator has.
 *
 * @example
 * ```ts
 * exprLang("asInt(inputs.parameters.n) > 5", ['when'], resolve) // Binary(>, Call(asInt, [Var(n)]), Lit(5))
 * ```
 */
export const exprLang = (source: string, path: readonly string[], resolve: VarResolver): Expr => {
  const strings: string[] = ['']
  const holes: unknown[] = []
  const s = source
  for (let i = 0; i < s.length; ) {
    const c = s[i]!
    if (QUOTES.has(c) || c === '`') {
      let j = i + 1
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1
      strings[strings.length - 1] += s.slice(i, j + 1)
      i = j + 1
      continue
    }
    const w = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))
    const prev = s.slice(0, i).trimEnd().slice(-1)
    if (w && prev !== '.') {
      const word = w[0]
      if (ROOTS.has(word)) {
        const parts = [word]
        let j = i + word.length
        for (;;) {
          // `?.` (optional chaining) reads the same here: a missing output is nil either way
          const dot = /^\??\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(s.slice(j))
          const idx = /^(?:\?\.)?\[\s*(['"])([^'"]*)\1\s*\]/.exec(s.slice(j))
          if (dot) (parts.push(dot[1]!), (j += dot[0].length))
          else if (idx) (parts.push(idx[2]!), (j += idx[0].length))
          else break
        }
        holes.push(resolve(parts.join('.'), true))
        strings.push('')
        i = j
        continue
      }
      if (word === 'sprig' || /^\s*\./.test(s.slice(i + word.length)))
        fail(path, `${JSON.stringify(source)} calls ${word}.…, which the local evaluator does not have`, 'use the functions asInt, asFloat, string, toJson, jsonpath, len')
      strings[strings.length - 1] += WORDS[word] ?? (word === 'len' ? 'length' : word)
      i += word.length
      continue
    }
    strings[strings.length - 1] += c
    i++
  }
  return parsed(path, source, strings, holes)
}

/**
 * A condition written either way: one `{{= … }}` tag is expr-lang, anything else govaluate.
 *
 * @example
 * ```ts
 * condition('{{= inputs.parameters.x == "y" }}', ['when'], resolve)
 * ```
 */
export const condition = (source: string, path: readonly string[], resolve: VarResolver): Expr => {
  const ps = pieces(source.trim())
  if (ps.length === 1 && ps[0]!._tag === 'ExprTag') return exprLang(ps[0]!.source, path, resolve)
  return govaluate(source, path, resolve)
}
