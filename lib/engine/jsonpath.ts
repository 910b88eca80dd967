import { parseJsonPath, type FilterOperand, type JsonPathFilter, type JsonPathToken } from 'dflow-ts'
import { compareStrings, EvalError, goKind, goSprint, goUnmarshal, utf8Length } from './go-values.ts'

type Json = unknown
type Tokens = readonly JsonPathToken[]

const isMap = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNil = (v: Json): boolean => v === null || v === undefined

/** A map's values in key order (sortMapKeys: bytewise, which orders as code points do). */
const mapValues = (m: Record<string, Json>): Json[] => Object.keys(m).sort(compareStrings).map((k) => m[k])

/** The rest of the path from step i, or undefined where it fails or gives nil (the library leaves those out). */
const kept = (ts: Tokens, i: number, v: Json): Json | undefined => {
  try {
    const r = apply(ts, i, v)
    return isNil(r) ? undefined : r
  } catch (e) {
    if (e instanceof EvalError) return undefined
    throw e
  }
}

const each = (ts: Tokens, i: number, vs: readonly Json[]): Json[] => vs.map((v) => kept(ts, i, v)).filter((v) => v !== undefined)

/** After a union, a range or a filter: an index step indexes the list picked, any other step goes to each element. */
const picked = (ts: Tokens, i: number, vs: Json[]): Json => (i === ts.length ? vs : ts[i]!.t === 'index' ? apply(ts, i, vs) : each(ts, i, vs))

const need = (what: string, v: Json, kinds: string): never => {
  throw new EvalError(`${what}: expected ${kinds}, got ${goKind(v)}`)
}

const list = (what: string, v: Json): Json[] => (Array.isArray(v) ? v : need(what, v, 'a list'))

/** Go's `ParseInt`-bounded slice of the library's range token: clamped bounds, negative from the end, a negative step from the end. */
const range = (t: Extract<JsonPathToken, { t: 'range' }>, xs: Json[]): Json[] => {
  const n = xs.length
  const clamp = (b: number) => Math.min(Math.max(b < 0 ? n + b : b, 0), n)
  const from = t.from === undefined ? 0 : clamp(t.from)
  const to = t.to === undefined ? n : clamp(t.to)
  const step = t.step ?? 1
  const out: Json[] = []
  if (step < 0) for (let i = to - 1; i >= from; i += step) out.push(xs[i])
  else for (let i = from; i < to; i += step) out.push(xs[i])
  return out
}

/** The selector operator's value in a filter: a string is quoted `'…'` unless it is already (complex_operators.go). */
const selected = (v: Json): Json => (typeof v === 'string' && !(v.length > 1 && v.startsWith("'") && v.endsWith("'")) ? `'${v}'` : v)

type Literal = Extract<FilterOperand, { lit: unknown }>
/** One side of a comparison: the selected value of a path, or a literal. */
type Side = { readonly value: Json } | { readonly literal: Literal }

const side = (o: FilterOperand, el: Json): Side => ('path' in o ? { value: selected(apply(o.path, 0, el)) } : { literal: o })

/** `getNumber`: a JSON number, or a number literal; anything else is not a number (undefined). */
const asNumber = (x: Side): number | undefined => {
  const v = 'value' in x ? x.value : x.literal.lit
  return typeof v === 'number' ? v : undefined
}

/** `getString`: a selected value's text (`%v`, strings already quoted), or a literal's (`'x'`, the number's own text, `<nil>`). */
const asText = (x: Side): string => ('value' in x ? (typeof x.value === 'string' ? x.value : goSprint(x.value)) : x.literal.text)

const unquoted = (s: string): string => (s.length > 1 && s.startsWith("'") && s.endsWith("'") ? s.slice(1, -1) : s)

/** A filter's value for one element (logic_operators.go, complex_operators.go); throws EvalError where the library's evaluation fails. */
const evalFilter = (f: JsonPathFilter, el: Json): Json => {
  switch (f.op) {
    case 'truthy':
      return selected(apply(f.path, 0, el))
    case '&&':
    case '||': {
      const [l, r] = [evalFilter(f.left, el), evalFilter(f.right, el)]
      return f.op === '&&' ? l === true && r === true : l === true || r === true
    }
    case '=~': {
      const l = unquoted(asText(side(f.left, el)))
      return new RegExp(f.pattern.source, f.pattern.flags).test(l)
    }
    default: {
      const [l, r] = [side(f.left, el), side(f.right, el)]
      const [a, b] = [asNumber(l), asNumber(r)]
      if (f.op === '==' || f.op === '!=') {
        const same = a !== undefined && b !== undefined ? a === b : asText(l) === asText(r)
        return f.op === '==' ? same : !same
      }
      if (a === undefined || b === undefined) throw new EvalError(`${f.op} compares numbers, got ${asText(l)} and ${asText(r)}`)
      return f.op === '<' ? a < b : f.op === '<=' ? a <= b : f.op === '>' ? a > b : a >= b
    }
  }
}

/** token/filter.go `shouldInclude`: true, a non-empty string (one pair of quotes off), list or map, a number not 0 (-0 is not 0 to Go's IsZero). */
const included = (v: Json): boolean => {
  if (isNil(v)) return false
  if (typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.length > 0
  if (isMap(v)) return Object.keys(v).length > 0
  if (typeof v === 'string') return (v.length > 1 && /^(?:'.*'|".*")$/s.test(v) ? v.slice(1, -1) : v) !== ''
  return !Object.is(v, 0)
}

const passes = (f: JsonPathFilter, el: Json): boolean => {
  try {
    return included(evalFilter(f, el))
  } catch (e) {
    if (e instanceof EvalError) return false
    throw e
  }
}

/** token/recursive.go: the rest of the path at this node (a list spliced in), then at its children, maps in key order. */
const recursive = (ts: Tokens, i: number, v: Json): Json[] => {
  if (isNil(v)) return []
  const out: Json[] = []
  if (i < ts.length) {
    const r = kept(ts, i, v)
    if (Array.isArray(r)) out.push(...r)
    else if (r !== undefined) out.push(r)
  } else out.push(v)
  const children = Array.isArray(v) ? v : isMap(v) ? mapValues(v) : []
  for (const c of children) out.push(...recursive(ts, i, c))
  return out
}

/** The path from step i applied to a value, each token as the library's Apply (see dsl/expr/jsonpath.ts). */
const apply = (ts: Tokens, i: number, v: Json): Json => {
  if (i === ts.length) return v
  const t = ts[i]!
  const next = i + 1
  switch (t.t) {
    case 'key':
      if (!isMap(v)) return need(`key '${t.key}'`, v, 'a map')
      if (!Object.hasOwn(v, t.key)) throw new EvalError(`key '${t.key}' not found`)
      return apply(ts, next, v[t.key])
    case 'index': {
      const xs = list(`index [${t.index}]`, v)
      const j = t.index < 0 ? xs.length + t.index : t.index
      if (j < 0 || j >= xs.length) throw new EvalError(`index [${t.index}] out of range (the list has ${xs.length})`)
      return apply(ts, next, xs[j])
    }
    case 'length': {
      const n = isMap(v) ? (Object.hasOwn(v, 'length') ? v['length'] : Object.keys(v).length) : Array.isArray(v) ? v.length : typeof v === 'string' ? utf8Length(v) : need('.length', v, 'a list, a map or a string')
      return apply(ts, next, n)
    }
    case 'wildcard': {
      const xs = Array.isArray(v) ? v : isMap(v) ? mapValues(v) : need('*', v, 'a list or a map')
      return next === ts.length ? [...xs] : each(ts, next, xs)
    }
    case 'recursive':
      return recursive(ts, next, v)
    case 'keys': {
      if (!isMap(v)) return need(`[${t.keys.map((k) => `'${k}'`).join(',')}]`, v, 'a map')
      return picked(ts, next, t.keys.filter((k) => Object.hasOwn(v, k)).map((k) => v[k]))
    }
    case 'indices': {
      const xs = list(`[${t.indices.join(',')}]`, v)
      const js = t.indices.map((k) => (k < 0 ? xs.length + k : k)).filter((j) => j >= 0 && j < xs.length)
      return picked(ts, next, js.map((j) => xs[j]))
    }
    case 'range':
      return picked(ts, next, range(t, list('a range', v)))
    case 'filter': {
      const xs = Array.isArray(v) ? v : isMap(v) ? mapValues(v) : need('a filter', v, 'a list or a map')
      return picked(ts, next, xs.filter((el) => passes(t.test, el)))
    }
  }
}

/**
 * `jsonpath(doc, path)` of a document already read from JSON, as Argo's (github.com/evilmonkeyinc/jsonpath
 * v0.8.1; the grammar and where each rule is in its source: dsl/expr/jsonpath.ts). A path outside the grammar,
 * a missing key, an index out of range or a step on a value of the wrong kind is an EvalError; wildcards,
 * unions, ranges, filters and `..` give lists.
 *
 * @example
 * ```ts
 * queryJsonPath({ e: [{ n: 'a', age: 1 }, { n: 'b', age: 2 }] }, '$.e[?(@.age > 1)].n') // ['b']
 * queryJsonPath({ a: 1 }, '$.b')                                                        // throws EvalError: key 'b' not found
 * ```
 */
export const queryJsonPath = (doc: unknown, path: string): unknown => {
  const p = parseJsonPath(path)
  if ('unsupported' in p) throw new EvalError(`jsonpath(${JSON.stringify(path)}): not read from ${JSON.stringify(p.unsupported)} on: ${p.why}`)
  try {
    return apply(p.tokens, 0, doc)
  } catch (e) {
    if (e instanceof EvalError) throw new EvalError(`jsonpath(${JSON.stringify(path)}): ${e.message}`)
    throw e
  }
}

/**
 * Argo's `jsonpath(doc, path)` (util/expr/env): the document read as Go's `json.Unmarshal` reads it, then the
 * path queried ({@link queryJsonPath}); a document that is not a JSON string is an error. The DSL's evaluator
 * and the importer's both call this one.
 *
 * @example
 * ```ts
 * jsonpathCall('{"a":[1,2]}', '$.a[1]') // 2
 * ```
 */
export const jsonpathCall = (doc: unknown, path: string): unknown => {
  if (typeof doc !== 'string') throw new EvalError(`jsonpath(): the document must be a JSON string, got a ${goKind(doc)}`)
  return queryJsonPath(goUnmarshal(doc), path)
}
