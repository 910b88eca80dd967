/**
 * Values as Argo's expr-lang (Go) reads, compares and prints them, so that the local evaluator gives the
 * same answer: `fmt.Sprint` (expr-lang's `string()`), `encoding/json` (Argo's `toJson`), `strconv.Atoi`
 * (`asInt`), `strconv.ParseFloat` (`asFloat`), string order by bytes (UTF-8, that is code points), `len` of
 * a string in bytes, and expr-lang's `==` (numbers by value, lists element by element, maps whatever their
 * key order).
 */

/** Thrown when a value cannot be evaluated as Argo would (a value of the wrong kind at run time, a bad number). @example throw new EvalError('length(3): not a string or list') */
export class EvalError extends Error {}

/** A short description of a value's kind for messages, with Go's names. @example goKind(null) // 'nil' */
export const goKind = (v: unknown): string =>
  v === null || v === undefined ? 'nil' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'map' : typeof v

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Compares two strings by code point (Go compares bytes of UTF-8, which orders the same). @example compareStrings('\uffff', '😀') // -1 */
export const compareStrings = (a: string, b: string): number => {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d) return d < 0 ? -1 : 1
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}

const sortedKeys = (m: Record<string, unknown>): string[] => Object.keys(m).sort(compareStrings)

/** expr-lang's `==`: numbers by value (NaN equals nothing), lists element by element, maps by keys and values. @example goEqual([1, 'a'], [1, 'a']) // true */
export const goEqual = (a: unknown, b: unknown): boolean => {
  if (a === undefined) a = null
  if (b === undefined) b = null
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => goEqual(x, b[i]))
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && goEqual(a[k], b[k]))
  }
  return a === b
}

/** The UTF-8 length of a string, as Go's `len`. @example utf8Length('é') // 2 */
export const utf8Length = (s: string): number => new TextEncoder().encode(s).length

const pad2 = (e: string): string => (e.length < 2 ? `0${e}` : e)

/** A float64 as `fmt.Sprint` prints it (`%g` with the shortest digits: `1e+06`, `1e-05`, `+Inf`). @example goFloat(1e6) // '1e+06' */
export const goFloat = (x: number): string => {
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const [mant, e] = x.toExponential().split('e') as [string, string]
  const exp = Number(e)
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${pad2(String(Math.abs(exp)))}`
  return String(x)
}

/** A JSON value as `fmt.Sprint` prints it (expr-lang's `string()`): `[1 2]`, `map[a:1]`, `<nil>`. @example goSprint([1, 'a']) // '[1 a]' */
export const goSprint = (v: unknown): string => {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return goFloat(v)
  if (typeof v === 'boolean') return String(v)
  if (v === null || v === undefined) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`
  const m = v as Record<string, unknown>
  return `map[${sortedKeys(m).map((k) => `${k}:${goSprint(m[k])}`).join(' ')}]`
}

const jsonString = (s: string): string =>
  JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** A value as Go's `json.Marshal` writes it (Argo's `toJson`): keys sorted, `<>&` escaped; non-finite numbers are an error. @example goJson({ b: 1, a: '<' }) // '{"a":"\\u003c","b":1}' */
export const goJson = (v: unknown): string => {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new EvalError(`json: unsupported value: ${goFloat(v)} (a number that is not finite has no JSON)`)
    return Object.is(v, -0) ? '-0' : String(v)
  }
  if (typeof v === 'string') return jsonString(v)
  if (typeof v === 'boolean') return String(v)
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`
  const m = v as Record<string, unknown>
  return `{${sortedKeys(m).map((k) => `${jsonString(k)}:${goJson(m[k])}`).join(',')}}`
}

/**
 * A value as Argo writes a `{{= … }}` tag's value into the text it is in (v3.6 and later: expressionReplace in
 * util/template/expression_template.go marshals the result): a string as it is, any other value as Go's
 * `json.Marshal` writes it — `[43]`, `["a","b"]`, `{"a":1}`, `1000000`, `true` (before v3.6 it was `%v`:
 * `[a b]`, `map[a:1]`, `1e+06`). A whole number prints alike whether Go held an int64 or a float64.
 *
 * @example
 * ```ts
 * argoTagText(['a', 1]) // '["a",1]'
 * argoTagText('it is') // 'it is'
 * ```
 */
export const argoTagText = (v: unknown): string => (typeof v === 'string' ? v : goJson(v))

/**
 * A JSON document as Go's `json.Unmarshal` into `interface{}` reads it (Argo's `jsonpath(x, '$')`): text
 * that is not JSON, or a number out of the float64 range, is an error.
 *
 * @example
 * ```ts
 * goUnmarshal('"abc"') // 'abc'
 * goUnmarshal('abc')   // throws EvalError
 * ```
 */
export const goUnmarshal = (text: string): unknown => {
  try {
    return JSON.parse(text, (_, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new EvalError(`json: cannot unmarshal number into a float64: out of range`)
      return v
    })
  } catch (e) {
    if (e instanceof EvalError) throw e
    throw new EvalError(`not JSON (Go's json.Unmarshal): ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`)
  }
}

const INT64 = 2n ** 63n

/** `strconv.Atoi`, as Argo's `asInt` reads a string: an optional sign and decimal digits, within 64 bits. @example goAtoi('-42') // -42 */
export const goAtoi = (s: string): number => {
  if (!/^[-+]?\d+$/.test(s) || BigInt(s) >= INT64 || BigInt(s) < -INT64) throw new EvalError(`asInt(${JSON.stringify(s)}): not an integer (Go's strconv.Atoi)`)
  return Number(s) + 0
}

const D = String.raw`\d(?:_?\d)*`
const H = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`
/** Go's syntax for a decimal float: digits may be separated by single underscores. */
const DECIMAL_FLOAT = new RegExp(`^[-+]?(?:${D}(?:\\.(?:${D})?)?|\\.${D})(?:[eE][-+]?${D})?$`)
/** Go's syntax for a hexadecimal float, which needs a `p` exponent. */
const HEX_FLOAT = new RegExp(`^([-+]?)0[xX]_?(${H})?(?:\\.(${H})?)?[pP]([-+]?${D})$`)

/** `strconv.ParseFloat`, as Argo's `asFloat` reads a string: no spaces, `inf`/`nan`, `1_000` (Go's syntax), hex with a `p` exponent; out of range is an error. @example goParseFloat('1e3') // 1000 */
export const goParseFloat = (s: string): number => {
  const bad = (): never => {
    throw new EvalError(`asFloat(${JSON.stringify(s)}): not a number (Go's strconv.ParseFloat)`)
  }
  if (/^[-+]?inf(inity)?$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(s)) return NaN
  const hex = HEX_FLOAT.exec(s)
  let n: number
  if (hex) {
    const [, sign, int = '', frac = '', exp = ''] = hex.map((x) => x?.replace(/_/g, ''))
    if (!int && !frac) bad()
    n = (sign === '-' ? -1 : 1) * parseInt(`${int}${frac}` || '0', 16) * 2 ** (Number(exp) - 4 * frac.length)
  } else {
    if (!DECIMAL_FLOAT.test(s)) bad()
    n = Number(s.replace(/_/g, ''))
  }
  if (!Number.isFinite(n)) throw new EvalError(`asFloat(${JSON.stringify(s)}): out of range (Go's strconv.ParseFloat)`)
  return n
}
