import { DflowError, inferType, jsonPathProblem, problem, replaceVars, t, type Expr, type ForeignExpr, type ParamRef } from 'dflow-ts'
import { argoTagText } from '../../engine/go-values.ts'
import { parseLang, type LangNode } from './expr-lang.ts'
import { evalLang } from './expr-lang-eval.ts'
import { exprLang } from './expressions.ts'

/** What a variable path of an expression reads: a reference, or any expression (what a call passes an input). */
export type ExprResolver = (name: string) => Expr

/** Argo's environment holds every parameter as a string: a value of another type is read as its text. */
const asText = (e: Expr): Expr => (inferType(e, []) === 'string' ? e : Object.freeze({ _tag: 'Call', fn: 'string', args: Object.freeze([e]) }))

/**
 * The value of one `{{= … }}` tag as an expression of the DSL, evaluated when the call starts. Where the
 * DSL's expressions parse it, it is the DSL's own tree (type-checked by the caller), which the local evaluator and the
 * Argo printer agree on; otherwise (`sprig.*`, predicates with `#`, map literals, `let`, …) a
 * {@link ForeignExpr} computed by the importer's expr-lang evaluator (expr-lang*.ts) from the values of the
 * variables it reads, printed as Argo writes a tag's value (argoTagText: a string as it is, any other value as JSON). A variable path resolves through
 * `resolve`, to a reference or to an expression (a call's argument, when the tag is in a leaf's own field).
 *
 * @example
 * ```ts
 * expressionTag('asInt(inputs.parameters.foo) * 10', path, resolve)            // a DSL tree: Binary(*, Call(asInt, …), Lit(10))
 * expressionTag("sprig.b64dec(workflow.parameters.b)", path, resolve)          // a ForeignExpr reading the parameter
 * ```
 */
export const expressionTag = (source: string, path: readonly string[], resolve: ExprResolver): Expr => {
  // what is not a reference enters either parser as a stand-in reference, replaced afterwards
  const stands = new Map<ParamRef<any>, Expr>()
  const standIn = (name: string): ParamRef<any> => {
    const e = resolve(name)
    if (e._tag === 'Var') return e.ref
    const r: ParamRef<any> = Object.freeze({ _tag: 'ParamRef', source: Object.freeze({ kind: 'input' as const }), name: `$tag-arg-${stands.size}`, codec: t.string })
    stands.set(r, asText(e))
    return r
  }
  const dsl = (() => {
    try {
      return exprLang(source, path, standIn)
    } catch (e) {
      if (e instanceof DflowError) return undefined
      throw e
    }
  })()
  // what the DSL parses is the DSL's, its type problems reported by the caller (a jsonpath it cannot read, …)
  if (dsl) return replaceVars(dsl, (ref, node) => stands.get(ref) ?? node)
  const parsed = parseLang(source, path, standIn)
  unreadPaths(parsed.root, source, path)
  const args = parsed.refs.map((r): Expr => stands.get(r) ?? Object.freeze({ _tag: 'Var' as const, ref: r }))
  const foreign: ForeignExpr = {
    _tag: 'Foreign',
    text: source,
    args: Object.freeze(args),
    evaluate: (values) => argoTagText(evalLang(parsed.root, values.map((v) => (v === null || v === undefined ? null : argoTagText(v))))),
  }
  return Object.freeze(foreign)
}

/** A literal jsonpath the evaluator does not read is refused at import, as the DSL's type check refuses it. */
const unreadPaths = (root: LangNode, source: string, path: readonly string[]): void => {
  const todo: LangNode[] = [root]
  while (todo.length) {
    const n = todo.pop()!
    if (n._tag === 'Call' && n.fn === 'jsonpath' && n.args[1]?._tag === 'Lit') {
      const p = jsonPathProblem(String(n.args[1].value))
      if (p) throw new DflowError([problem(path, `{{=${source}}}: ${p}`)])
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) for (const x of v.flat()) if (typeof x === 'object' && x && '_tag' in x) todo.push(x as LangNode)
      if (typeof v === 'object' && v && '_tag' in v) todo.push(v as LangNode)
    }
  }
}
