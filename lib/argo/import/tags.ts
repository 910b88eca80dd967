/**
 * Argo's `{{…}}` templating, split into pieces: literal text, simple tags (`{{inputs.parameters.x}}`) and
 * expression tags (`{{= asInt(inputs.parameters.x) + 1 }}`). Argo replaces simple tags textually and
 * evaluates expression tags with expr-lang (workflow/common/util.go and util/template in Argo's source:
 * a tag is `{{` up to the first `}}`, its name trimmed of spaces).
 */

/** One piece of a templated string. @example const p: Piece = { _tag: 'Tag', name: 'item' } */
export type Piece =
  | { readonly _tag: 'Text'; readonly text: string }
  | { readonly _tag: 'Tag'; readonly name: string }
  | { readonly _tag: 'ExprTag'; readonly source: string }

const TAG = /\{\{(=?)([\s\S]*?)\}\}/g

/**
 * The pieces of a string.
 *
 * @example
 * ```ts
 * pieces('hi {{item}}!') // [{ _tag: 'Text', text: 'hi ' }, { _tag: 'Tag', name: 'item' }, { _tag: 'Text', text: '!' }]
 * ```
 */
export const pieces = (s: string): readonly Piece[] => {
  const out: Piece[] = []
  let last = 0
  for (const m of s.matchAll(TAG)) {
    if (m.index > last) out.push({ _tag: 'Text', text: s.slice(last, m.index) })
    out.push(m[1] ? { _tag: 'ExprTag', source: m[2]!.trim() } : { _tag: 'Tag', name: m[2]!.trim() })
    last = m.index + m[0].length
  }
  if (last < s.length) out.push({ _tag: 'Text', text: s.slice(last) })
  return out
}

/** Whether a string holds any tag. @example hasTags('{{item}}') // true */
export const hasTags = (s: string): boolean => pieces(s).some((p) => p._tag !== 'Text')

/** The one tag a string consists of, if it is exactly one simple tag. @example onlyTag(' {{item}} ') // undefined; onlyTag('{{item}}') // 'item' */
export const onlyTag = (s: string): string | undefined => {
  const ps = pieces(s)
  return ps.length === 1 && ps[0]!._tag === 'Tag' ? ps[0]!.name : undefined
}
