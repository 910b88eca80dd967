import { goRegex } from 'dflow-ts'
import { EvalError, goAtoi, goEqual, goJson, goKind, goParseFloat, goSprint, utf8Length } from '../../engine/go-values.ts'
import { jsonpathCall } from '../../engine/jsonpath.ts'
import type { LangNode } from './expr-lang.ts'
import { isSprig, sprigCall } from './sprig.ts'

/**
 * Evaluates a parsed expr-lang expression (expr-lang.ts) as Argo's controller does: its variables are the wire
 * texts of the references (`wires[i]` for `Ref` i: every parameter is a string in Argo's environment; null for
 * an output its step did not produce, nil as in Argo v4's scope), values
 * print as Go prints them (goSprint, goJson). `/` divides as floats; `..` is an inclusive range of integers;
 * a missing map key is nil, an index out of range an error; `flatten` flattens lists of lists at every depth
 * (expr-lang's builtin). Throws EvalError where expr-lang fails at run time.
 *
 * @example
 * ```ts
 * evalLang(parseLang("toJson(map(0..2, # * 2))", path, resolve).root, []) // '[0,2,4]'
 * ```
 */
export const evalLang = (root: LangNode, wires: readonly (string | null)[]): unknown => {
  const pointers: unknown[] = []
  const names: { readonly name: string; readonly value: unknown }[] = []
  const ev = (n: LangNode): unknown => {
    switch (n._tag) {
      case 'Lit':
        return n.value
      case 'Ref':
        return wires[n.index]
      case 'Pointer':
        return pointers[pointers.length - 1]
      case 'Name': {
        for (let i = names.length - 1; i >= 0; i--) if (names[i]!.name === n.name) return names[i]!.value
        throw new EvalError(`unknown name ${n.name}`)
      }
      case 'Let': {
        names.push({ name: n.name, value: ev(n.value) })
        try {
          return ev(n.body)
        } finally {
          names.pop()
        }
      }
      case 'List':
        return n.items.map(ev)
      case 'Map':
        return Object.fromEntries(n.pairs.map(([k, v]) => [String(ev(k)), ev(v)]))
      case 'Member':
        return member(ev(n.of), ev(n.key))
      case 'Cond':
        return ev(n.test) === true ? ev(n.then) : ev(n.else)
      case 'Unary': {
        const v = ev(n.arg)
        if (n.op === '!' || n.op === 'not') return v !== true
        return n.op === '-' ? -num(v, 'unary -') : num(v, 'unary +')
      }
      case 'Binary': {
        if (n.op === '&&' || n.op === 'and') return ev(n.left) === true && ev(n.right) === true
        if (n.op === '||' || n.op === 'or') return ev(n.left) === true || ev(n.right) === true
        if (n.op === '??') {
          const l = ev(n.left)
          return l === null || l === undefined ? ev(n.right) : l
        }
        return binary(n.op, ev(n.left), ev(n.right))
      }
      case 'Predicate': {
        const list = ev(n.list)
        if (!Array.isArray(list)) throw new EvalError(`${n.fn}() takes a list, got a ${goKind(list)}`)
        const each = (x: unknown): unknown => {
          pointers.push(x)
          try {
            return ev(n.body)
          } finally {
            pointers.pop()
          }
        }
        switch (n.fn) {
          case 'map':
            return list.map(each)
          case 'filter':
            return list.filter((x) => each(x) === true)
          case 'all':
            return list.every((x) => each(x) === true)
          case 'any':
            return list.some((x) => each(x) === true)
          case 'none':
            return !list.some((x) => each(x) === true)
          case 'one':
            return list.filter((x) => each(x) === true).length === 1
          case 'count':
            return list.filter((x) => each(x) === true).length
        }
        throw new EvalError(`${n.fn}() is not supported by the local importer`)
      }
      case 'Call':
        return call(n.fn, n.args.map(ev))
    }
  }
  return ev(root)
}

const num = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v
  throw new EvalError(`${what} takes a number, got a ${goKind(v)}`)
}
const int = (v: unknown, what: string): number => {
  const x = num(v, what)
  if (!Number.isInteger(x)) throw new EvalError(`${what} takes an integer, got ${x}`)
  return x
}

const member = (of: unknown, key: unknown): unknown => {
  if (Array.isArray(of)) {
    const i = int(key, 'a list index')
    const j = i < 0 ? of.length + i : i
    if (j < 0 || j >= of.length) throw new EvalError(`index out of range: ${i} (array length is ${of.length})`)
    return of[j]
  }
  if (typeof of === 'object' && of !== null) return Object.hasOwn(of, String(key)) ? (of as Record<string, unknown>)[String(key)] : null
  throw new EvalError(`cannot fetch ${goSprint(key)} from a ${goKind(of)}`)
}

const ordered = (l: unknown, r: unknown, op: string): number => {
  if (typeof l === 'number' && typeof r === 'number') return l - r
  if (typeof l === 'string' && typeof r === 'string') return l < r ? -1 : l > r ? 1 : 0
  throw new EvalError(`invalid operation: ${goKind(l)} ${op} ${goKind(r)}`)
}

const binary = (op: string, l: unknown, r: unknown): unknown => {
  switch (op) {
    case '==':
      return goEqual(l, r)
    case '!=':
      return !goEqual(l, r)
    case '<':
      return ordered(l, r, op) < 0
    case '<=':
      return ordered(l, r, op) <= 0
    case '>':
      return ordered(l, r, op) > 0
    case '>=':
      return ordered(l, r, op) >= 0
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r]
      return num(l, '+') + num(r, '+')
    case '-':
      return num(l, '-') - num(r, '-')
    case '*':
      return num(l, '*') * num(r, '*')
    case '/':
      return num(l, '/') / num(r, '/')
    case '%': {
      const b = int(r, '%')
      if (b === 0) throw new EvalError('integer divide by zero')
      return (int(l, '%') % b) + 0
    }
    case '**':
      return num(l, '**') ** num(r, '**')
    case '..': {
      const [a, b] = [int(l, '..'), int(r, '..')]
      return b < a ? [] : Array.from({ length: b - a + 1 }, (_, i) => a + i)
    }
    case 'in':
      if (Array.isArray(r)) return r.some((x) => goEqual(x, l))
      if (typeof r === 'object' && r !== null) return Object.hasOwn(r, String(l))
      if (r === null || r === undefined) return false
      throw new EvalError(`operator "in" not defined on ${goKind(r)}`)
    case 'matches': {
      if (typeof l !== 'string' || typeof r !== 'string') throw new EvalError(`matches takes strings, got a ${goKind(l)} and a ${goKind(r)}`)
      const g = goRegex(r)
      if ('unsupported' in g) throw new EvalError(`the pattern ${JSON.stringify(r)} is not read here from ${JSON.stringify(g.unsupported)} on`)
      return new RegExp(g.source, g.flags).test(l)
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      if (typeof l !== 'string' || typeof r !== 'string') throw new EvalError(`${op} takes strings, got a ${goKind(l)} and a ${goKind(r)}`)
      return op === 'contains' ? l.includes(r) : op === 'startsWith' ? l.startsWith(r) : l.endsWith(r)
    }
  }
  throw new EvalError(`unknown operator ${op}`)
}

const flatten = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x])) : [v])

const arity = (fn: string, args: readonly unknown[], n: number): void => {
  if (args.length !== n) throw new EvalError(`${fn}() takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`)
}

/** The functions Argo's expression environment has that the importer evaluates (expr-lang's builtins and Argo's own). */
const FUNCTIONS: Readonly<Record<string, { readonly n: number; readonly f: (...a: any[]) => unknown }>> = {
  len: { n: 1, f: (a) => (typeof a === 'string' ? utf8Length(a) : Array.isArray(a) ? a.length : typeof a === 'object' && a !== null ? Object.keys(a).length : num(undefined, 'len()')) },
  int: { n: 1, f: (a) => (typeof a === 'string' ? goAtoi(a) : Math.trunc(num(a, 'int()')) + 0) },
  float: { n: 1, f: (a) => (typeof a === 'string' ? goParseFloat(a) : num(a, 'float()')) },
  asInt: { n: 1, f: (a) => (typeof a === 'string' ? goAtoi(a) : Math.trunc(num(a, 'asInt()')) + 0) },
  asFloat: { n: 1, f: (a) => (typeof a === 'string' ? goParseFloat(a) : num(a, 'asFloat()')) },
  string: { n: 1, f: (a) => goSprint(a) },
  toJson: { n: 1, f: (a) => goJson(a) },
  jsonpath: { n: 2, f: (doc, path) => jsonpathCall(doc, String(path)) },
  flatten: { n: 1, f: (a) => (Array.isArray(a) ? flatten(a) : num(undefined, 'flatten() of a list')) },
  abs: { n: 1, f: (a) => Math.abs(num(a, 'abs()')) },
  first: { n: 1, f: (a) => (Array.isArray(a) ? (a[0] ?? null) : null) },
  last: { n: 1, f: (a) => (Array.isArray(a) ? (a[a.length - 1] ?? null) : null) },
  keys: { n: 1, f: (a) => Object.keys(a ?? {}) },
  values: { n: 1, f: (a) => Object.values(a ?? {}) },
  upper: { n: 1, f: (a) => String(a).toUpperCase() },
  lower: { n: 1, f: (a) => String(a).toLowerCase() },
  trim: { n: 1, f: (a) => String(a).trim() },
  split: { n: 2, f: (a, b) => String(a).split(String(b)) },
  join: { n: 2, f: (a, b) => (Array.isArray(a) ? a.map(goSprint).join(String(b)) : num(undefined, 'join() of a list')) },
}

/** Whether the importer evaluates a function of this name (expr-lang's, Argo's, or `sprig.NAME`). @example langFunction('sprig.add') // true */
export const langFunction = (name: string): boolean => Object.hasOwn(FUNCTIONS, name) || (name.startsWith('sprig.') && isSprig(name.slice(6)))

const call = (fn: string, args: readonly unknown[]): unknown => {
  if (fn.startsWith('sprig.')) return sprigCall(fn.slice(6), args)
  const d = FUNCTIONS[fn]
  if (!d) throw new EvalError(`unknown function ${fn}`)
  arity(fn, args, d.n)
  return d.f(...args)
}
