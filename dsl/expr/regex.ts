/**
 * A Go regular expression (RE2, what expr-lang's `matches` and govaluate's `=~` compile) as a JavaScript
 * RegExp that matches the same strings, for the subset where that can be said: literals, `.`, `^`, `$`,
 * `|`, groups `(…)` and `(?:…)`, the quantifiers `* + ? {n} {n,} {n,m}` (lazy or not), classes `[…]` with
 * ranges and negation, `\d \D \w \W \b \B \s \S`, `\t \n \r \f \v`, `\xHH`, `\x{H…}`, an escaped punctuation
 * mark, and a leading `(?i)`, `(?s)` or `(?is)`. Go's `.` and `\s` differ from JavaScript's and are spelt
 * out. Anything else (backreferences and lookaround, which RE2 refuses; `\p{…}`, POSIX classes, `(?m)`,
 * named groups) is `unsupported`, with the text from where it starts.
 *
 * @example
 * ```ts
 * goRegex('^h.*s$')  // { source: '^h[^\\n]*s$', flags: 'u' }
 * goRegex('(a)\\1')  // { unsupported: '\\1' }
 * ```
 */
export const goRegex = (pattern: string): { readonly source: string; readonly flags: string } | { readonly unsupported: string } => {
  let i = 0
  let flags = 'u'
  const lead = /^\(\?([is]+)\)/.exec(pattern)
  if (lead) {
    flags += [...new Set(lead[1])].sort().join('')
    i = lead[0].length
  }
  const dotAll = flags.includes('s')
  const SPACE = '\\t\\n\\f\\r '
  const SYNTAX = '^$\\.*+?()[]{}|/'
  let out = ''
  let stop: string | undefined
  const cps = [...pattern]
  const at = () => cps.slice(i).join('')
  // An escape `\c` (i at the backslash), inside a class or not; undefined when unsupported.
  const escape = (inClass: boolean): string | undefined => {
    const c = cps[i + 1]
    if (c === undefined) return undefined
    if ('dDwWbB'.includes(c) && !(inClass && 'bB'.includes(c))) return (i += 2), `\\${c}`
    if (c === 's') return (i += 2), inClass ? SPACE : `[${SPACE}]`
    if (c === 'S' && !inClass) return (i += 2), `[^${SPACE}]`
    if ('tnrfv'.includes(c)) return (i += 2), `\\${c}`
    if (c === 'x') {
      const m = /^\\x([0-9A-Fa-f]{2}|\{[0-9A-Fa-f]{1,6}\})/.exec(at())
      if (!m) return undefined
      i += [...m[0]].length
      return m[1]!.startsWith('{') ? `\\u${m[1]}` : `\\x${m[1]}`
    }
    if (/[!-/:-@[-`{-~]/.test(c)) return (i += 2), SYNTAX.includes(c) || (inClass && c === '-') ? `\\${c}` : c
    return undefined
  }
  while (i < cps.length && stop === undefined) {
    const c = cps[i]!
    if (c === '\\') {
      const e = escape(false)
      if (e === undefined) stop = at()
      else out += e
    } else if (c === '.') {
      out += dotAll ? '[^]' : '[^\\n]'
      i++
    } else if (c === '(') {
      if (cps[i + 1] !== '?') {
        out += '('
        i++
      } else if (cps[i + 2] === ':') {
        out += '(?:'
        i += 3
      } else stop = at()
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(at())
      if (m && (Number(m[1]) > 1000 || Number(m[3] || 0) > 1000)) stop = at()
      else if (m) {
        out += m[0]
        i += m[0].length
      } else {
        out += '\\{'
        i++
      }
    } else if (c === '}' || c === ']') {
      out += `\\${c}`
      i++
    } else if (c === '[') {
      let cls = '['
      i++
      if (cps[i] === '^') {
        cls += '^'
        i++
      }
      if (cps[i] === ']') {
        cls += '\\]'
        i++
      }
      while (i < cps.length && cps[i] !== ']' && stop === undefined) {
        const d = cps[i]!
        if (d === '[' && cps[i + 1] === ':') stop = at()
        else if (d === '\\') {
          const e = escape(true)
          if (e === undefined) stop = at()
          else cls += e
        } else {
          cls += d === '[' ? '\\[' : d
          i++
        }
      }
      if (stop === undefined && cps[i] !== ']') stop = at()
      if (stop === undefined) {
        out += `${cls}]`
        i++
      }
    } else {
      out += c
      i++
    }
  }
  if (stop !== undefined) return { unsupported: stop }
  try {
    new RegExp(out, flags)
  } catch {
    return { unsupported: pattern }
  }
  return { source: out, flags }
}
