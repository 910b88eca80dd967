import { createHash } from 'node:crypto'
import { EvalError, goJson, goKind, goSprint } from '../../engine/go-values.ts'
import { goLayout } from './go-layout.ts'

/**
 * The functions of sprig (github.com/Masterminds/sprig/v3) that Argo's expression environment offers under
 * `sprig.` and that the importer evaluates, with sprig's argument order (`sprig.trimPrefix(prefix, s)`) and
 * its conversions: numbers through `cast.ToInt64` (a float is truncated, a text parsed as an integer in any
 * base Go's `strconv.ParseInt(s, 0, 64)` reads, anything else 0), texts through `strval` (`fmt.Sprint`).
 * `b64dec` of text that is not padded base64 is an error (sprig returns Go's error text, not reproduced);
 * `date` formats the time now with Go's layout in this host's zone for a value that is no time — a text such
 * as `workflow.creationTimestamp`, as sprig's `date` does — and refuses a number (Go reads an int as Unix
 * seconds and a float64 as no time, which the values here do not tell apart).
 */

/** A function: its least and most arguments (`Infinity`: any number more), and its body. */
interface SprigFn {
  readonly min: number
  readonly max: number
  readonly f: (...a: any[]) => unknown
}

/** `cast.ToInt64` as sprig's `toInt64` uses it: 0 for what does not convert. */
const toInt64 = (v: unknown): number => {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) + 0 : 0
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v !== 'string') return 0
  const s = v.replace(/\.0*$/, '')
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.exec(s)
  if (!m) return 0
  const body = m[2]!
  const n = /^0[xXbBoO]/.test(body) ? Number(body.replace(/^0[oO]/, '0o')) : /^0[0-7]+$/.test(body) ? parseInt(body, 8) : Number(body)
  return m[1] === '-' ? -n : n
}

/** `cast.ToFloat64`: a text through `strconv.ParseFloat` (no spaces around it), 0 for what does not convert. */
const toFloat64 = (v: unknown): number => {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v !== 'string' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return 0
  return Number(v)
}

/** sprig's `strval`: a text as it is, anything else as `fmt.Sprint` prints it. */
const strval = (v: unknown): string => (typeof v === 'string' ? v : goSprint(v))

/** sprig's `empty`: nil, false, 0, "" and empty lists and maps. */
const empty = (v: unknown): boolean =>
  v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v as object).length)

const b64dec = (s: unknown): string => {
  const text = strval(s)
  // sprig gives Go's error text for input that is not base64, which is not reproduced here: refused
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new EvalError(`sprig.b64dec: ${JSON.stringify(text.slice(0, 40))} is not padded standard base64`)
  return Buffer.from(text, 'base64').toString('utf8')
}

/** Go's `strings.Replace(s, old, new, -1)`: an empty `old` puts `new` around every character. */
const replaceAll = (old: string, by: string, s: string): string => (old === '' ? by + [...s].join(by) + by : s.split(old).join(by))

/** sprig's `strslice`: a list's elements but nils as texts, nothing for nil, else the one value. */
const strslice = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(strval) : v === null || v === undefined ? [] : [strval(v)]

const div = (a: unknown, b: unknown): number => {
  const d = toInt64(b)
  if (d === 0) throw new EvalError('sprig.div: integer divide by zero')
  return Math.trunc(toInt64(a) / d) + 0
}

const mod = (a: unknown, b: unknown): number => {
  const d = toInt64(b)
  if (d === 0) throw new EvalError('sprig.mod: integer divide by zero')
  return (toInt64(a) % d) + 0
}

const sprigDate = (layout: unknown, t: unknown): string => {
  // an int is Unix seconds and a float64 (a JSON number) is "no time", which the values here do not tell apart
  if (typeof t === 'number') throw new EvalError('sprig.date of a number: Go reads an int as Unix seconds and a float64 as no time (now), which the importer cannot tell apart')
  return goLayout(strval(layout), new Date())
}

const list = (v: unknown, what: string): readonly unknown[] => {
  if (Array.isArray(v)) return v
  throw new EvalError(`sprig.${what} takes a list, got a ${goKind(v)}`)
}

const FNS: Readonly<Record<string, SprigFn>> = {
  add: { min: 0, max: Infinity, f: (...a) => a.reduce((s: number, x) => s + toInt64(x), 0) },
  add1: { min: 1, max: 1, f: (a) => toInt64(a) + 1 },
  sub: { min: 2, max: 2, f: (a, b) => toInt64(a) - toInt64(b) },
  mul: { min: 1, max: Infinity, f: (a, ...r) => r.reduce((s: number, x) => s * toInt64(x), toInt64(a)) },
  div: { min: 2, max: 2, f: div },
  mod: { min: 2, max: 2, f: mod },
  max: { min: 1, max: Infinity, f: (a, ...r) => r.reduce((m: number, x) => Math.max(m, toInt64(x)), toInt64(a)) },
  min: { min: 1, max: Infinity, f: (a, ...r) => r.reduce((m: number, x) => Math.min(m, toInt64(x)), toInt64(a)) },
  maxf: { min: 1, max: Infinity, f: (a, ...r) => r.reduce((m: number, x) => Math.max(m, toFloat64(x)), toFloat64(a)) },
  minf: { min: 1, max: Infinity, f: (a, ...r) => r.reduce((m: number, x) => Math.min(m, toFloat64(x)), toFloat64(a)) },
  floor: { min: 1, max: 1, f: (a) => Math.floor(toFloat64(a)) },
  ceil: { min: 1, max: 1, f: (a) => Math.ceil(toFloat64(a)) },
  int: { min: 1, max: 1, f: toInt64 },
  int64: { min: 1, max: 1, f: toInt64 },
  float64: { min: 1, max: 1, f: toFloat64 },
  atoi: { min: 1, max: 1, f: (s) => (/^[-+]?[0-9]+$/.test(strval(s)) ? Number(strval(s)) : 0) },
  toString: { min: 1, max: 1, f: strval },
  toJson: { min: 1, max: 1, f: (v) => goJson(v) },
  // sprig's digests: the lowercase hex of the string's UTF-8 bytes (dflow's memo keys use sha256sum)
  sha256sum: { min: 1, max: 1, f: (s) => createHash('sha256').update(strval(s), 'utf8').digest('hex') },
  sha1sum: { min: 1, max: 1, f: (s) => createHash('sha1').update(strval(s), 'utf8').digest('hex') },
  b64enc: { min: 1, max: 1, f: (s) => Buffer.from(strval(s), 'utf8').toString('base64') },
  b64dec: { min: 1, max: 1, f: b64dec },
  upper: { min: 1, max: 1, f: (s) => strval(s).toUpperCase() },
  lower: { min: 1, max: 1, f: (s) => strval(s).toLowerCase() },
  trim: { min: 1, max: 1, f: (s) => strval(s).trim() },
  trimPrefix: { min: 2, max: 2, f: (p, s) => (strval(s).startsWith(strval(p)) ? strval(s).slice(strval(p).length) : strval(s)) },
  trimSuffix: { min: 2, max: 2, f: (x, s) => (strval(x) !== '' && strval(s).endsWith(strval(x)) ? strval(s).slice(0, -strval(x).length) : strval(s)) },
  replace: { min: 3, max: 3, f: (o, n, s) => replaceAll(strval(o), strval(n), strval(s)) },
  repeat: { min: 2, max: 2, f: (n, s) => strval(s).repeat(Math.max(0, toInt64(n))) },
  contains: { min: 2, max: 2, f: (sub, s) => strval(s).includes(strval(sub)) },
  hasPrefix: { min: 2, max: 2, f: (p, s) => strval(s).startsWith(strval(p)) },
  hasSuffix: { min: 2, max: 2, f: (x, s) => strval(s).endsWith(strval(x)) },
  cat: { min: 0, max: Infinity, f: (...a) => a.filter((x) => x !== null && x !== undefined).map(strval).join(' ') },
  join: { min: 2, max: 2, f: (sep, l) => strslice(l).join(strval(sep)) },
  splitList: { min: 2, max: 2, f: (sep, s) => strval(s).split(strval(sep)) },
  list: { min: 0, max: Infinity, f: (...a) => a },
  first: { min: 1, max: 1, f: (l) => list(l, 'first')[0] ?? null },
  last: { min: 1, max: 1, f: (l) => list(l, 'last').at(-1) ?? null },
  default: { min: 1, max: 2, f: (d, ...v) => (!v.length || empty(v[0]) ? d : v[0]) },
  empty: { min: 1, max: 1, f: empty },
  coalesce: { min: 0, max: Infinity, f: (...a) => a.find((x) => !empty(x)) ?? null },
  ternary: { min: 3, max: 3, f: (a, b, c) => (c === true ? a : b) },
  date: { min: 2, max: 2, f: sprigDate },
}

/** Whether sprig's function of this name is one the importer evaluates. @example isSprig('add') // true */
export const isSprig = (name: string): boolean => Object.hasOwn(FNS, name)

/**
 * Calls sprig's function `name` with the evaluated arguments.
 *
 * @example
 * ```ts
 * sprigCall('add', [34, 27, '15']) // 76
 * sprigCall('b64dec', ['aGk=']) // 'hi'
 * ```
 */
export const sprigCall = (name: string, args: readonly unknown[]): unknown => {
  const d = FNS[name]
  if (!d) throw new EvalError(`unknown function sprig.${name}`)
  if (args.length < d.min || args.length > d.max)
    throw new EvalError(`sprig.${name}() takes ${d.min === d.max ? d.min : d.max === Infinity ? `at least ${d.min}` : `${d.min} to ${d.max}`} argument${d.max === 1 ? '' : 's'}, got ${args.length}`)
  return d.f(...args)
}
