import type { Expr, ExprVar } from './ast.ts'

/** The static type of an expression: `any` for JSON values whose shape the codec does not say. @example const t: ExprType = 'number' */
export type ExprType = 'number' | 'string' | 'boolean' | 'list' | 'null' | 'any'

/**
 * The expression type of a codec, by its io-ts name: numbers and integers, strings (and string literal
 * unions), booleans, arrays; anything else is `any`.
 *
 * @example
 * ```ts
 * typeOfCodecName('number')        // 'number'
 * typeOfCodecName('Array<string>') // 'list'
 * ```
 */
export const typeOfCodecName = (name: string): ExprType => {
  if (name === 'number' || name === 'Int' || name === 'Integer') return 'number'
  if (name === 'string' || /^("[^"]*"( \| )?)+$/.test(name)) return 'string'
  if (name === 'boolean') return 'boolean'
  if (/^(Array<.*>|ReadonlyArray<.*>|UnknownArray)$/.test(name)) return 'list'
  return 'any'
}

/** The type of a variable. @example typeOfVar(status(a)) // 'string' */
export const typeOfVar = (v: ExprVar): ExprType => typeOfCodecName(v.codec.name)

const litType = (v: unknown): ExprType => (v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'boolean')

const fits = (t: ExprType, want: readonly ExprType[]): boolean => t === 'any' || want.includes(t)
const same = (a: ExprType, b: ExprType): boolean => a === 'any' || b === 'any' || a === b || a === 'null' || b === 'null'

type Need = (t: ExprType, want: readonly ExprType[], what: string) => void

const callType = (e: Extract<Expr, { _tag: 'Call' }>, problems: string[], need: Need): ExprType => {
  const ts = e.args.map((a) => inferType(a, problems))
  switch (e.fn) {
    case 'length':
      need(ts[0]!, ['string', 'list'], 'the argument of length()')
      return 'number'
    case 'asInt':
    case 'asFloat':
      need(ts[0]!, ['string', 'number'], `the argument of ${e.fn}()`)
      return 'number'
    case 'string':
    case 'toJson':
      return 'string'
    case 'jsonpath':
      need(ts[0]!, ['string', 'list', 'any'], 'the document of jsonpath()')
      need(ts[1]!, ['string'], 'the path of jsonpath()')
      return 'any'
  }
}

/**
 * Infers the type of an expression, collecting every mismatch (a number compared with a string, `!` on a
 * number, a ternary whose branches differ, …) as a message.
 *
 * @example
 * ```ts
 * inferType({ _tag: 'Lit', value: 1 }, []) // 'number'
 * ```
 */
export const inferType = (e: Expr, problems: string[]): ExprType => {
  const need = (t: ExprType, want: readonly ExprType[], what: string): void => {
    if (!fits(t, want)) problems.push(`${what} must be ${want.join(' or ')}, not ${t}`)
  }
  switch (e._tag) {
    case 'Lit':
      return litType(e.value)
    case 'Var':
      return typeOfVar(e.ref)
    case 'Unary': {
      const t = inferType(e.arg, problems)
      need(t, e.op === '!' ? ['boolean'] : ['number'], `the operand of "${e.op}"`)
      return e.op === '!' ? 'boolean' : 'number'
    }
    case 'Cond': {
      need(inferType(e.test, problems), ['boolean'], 'the condition of "?:"')
      const a = inferType(e.then, problems)
      const b = inferType(e.else, problems)
      if (!same(a, b)) problems.push(`the branches of "?:" differ: ${a} and ${b}`)
      return a === 'any' || a === 'null' ? b : a
    }
    case 'Call':
      return callType(e, problems, need)
    case 'Binary': {
      const { op } = e
      const l = inferType(e.left, problems)
      const r = inferType(e.right, problems)
      switch (op) {
        case '&&':
        case '||':
          need(l, ['boolean'], `the left operand of "${op}"`)
          need(r, ['boolean'], `the right operand of "${op}"`)
          return 'boolean'
        case '==':
        case '!=':
          if (!same(l, r)) problems.push(`"${op}" compares a ${l} with a ${r}`)
          return 'boolean'
        case '<':
        case '<=':
        case '>':
        case '>=':
          need(l, ['number', 'string'], `the left operand of "${op}"`)
          need(r, ['number', 'string'], `the right operand of "${op}"`)
          if (!same(l, r)) problems.push(`"${op}" compares a ${l} with a ${r}`)
          return 'boolean'
        case 'in':
          need(r, ['list', 'string'], 'the right operand of "in"')
          return 'boolean'
        case '+':
          if (l === 'string' || r === 'string') {
            if (!same(l, r)) problems.push(`"+" adds a ${l} and a ${r}`)
            return 'string'
          }
          need(l, ['number'], 'the left operand of "+"')
          need(r, ['number'], 'the right operand of "+"')
          return 'number'
        default:
          need(l, ['number'], `the left operand of "${op}"`)
          need(r, ['number'], `the right operand of "${op}"`)
          return 'number'
      }
    }
  }
}

/** Every type problem of an expression. @example typeProblems(ex.lt(1, 'a')) // ['"<" compares a number with a string'] */
export const typeProblems = (e: Expr): string[] => {
  const ps: string[] = []
  inferType(e, ps)
  return ps
}
