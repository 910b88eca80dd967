import { DflowError, problem } from '../problem.ts'
import type { HoleContext, HoleValue, LangRenderer, Raw, Script, Segment } from './script.ts'
import { checkHoleValue, fileVarOf, templateText } from './script.ts'

/*
 * A small POSIX shell lexer, just enough to know what context each hole stands in. It walks the literal
 * text of the template keeping a stack of contexts; holes themselves are never lexed (they are values).
 */

type Ctx =
  | { readonly k: 'normal' }
  | { readonly k: 'cmdsub'; depth: number }
  | { readonly k: 'backtick' }
  | { readonly k: 'squote' }
  | { readonly k: 'dquote' }
  | { readonly k: 'arith'; depth: number }
  | { readonly k: 'comment' }
  | { readonly k: 'heredoc'; readonly delim: string; readonly quoted: boolean; readonly strip: boolean }

interface Lexer {
  stack: Ctx[]
  /** Heredocs announced on the current line; their bodies begin after the next newline. */
  pending: { delim: string; quoted: boolean; strip: boolean }[]
  /** The text of the current line so far (to detect a heredoc's closing delimiter). */
  line: string
  /** Whether the previous character ends a word (for `#` comments). */
  wordStart: boolean
}

const top = (l: Lexer): Ctx => l.stack[l.stack.length - 1]!

/** `<<` or `<<-`, then the delimiter: one shell word, any part of which may be quoted or escaped. */
const HEREDOC = /^<<(-?)[ \t]*((?:[^\s;&|<>()'"\\]|\\[\s\S]|'[^']*'|"[^"]*")+)/

/** The delimiter a heredoc word stands for (its quotes removed), and whether any part was quoted. */
const heredocWord = (word: string): { delim: string; quoted: boolean } => ({
  delim: word.replace(/'([^']*)'|"([^"]*)"|\\([\s\S])/g, (_, a?: string, b?: string, c?: string) => a ?? b ?? c ?? ''),
  quoted: /['"\\]/.test(word),
})

/**
 * Enters `$((`, `$(` or a backtick if one starts at `i` (the expansions that stay live inside double quotes
 * and unquoted heredocs). Returns how many characters after `i` it consumed, or -1 when none starts there.
 */
const enterExpansion = (l: Lexer, text: string, i: number): number => {
  if (text.startsWith('$((', i)) return (l.stack.push({ k: 'arith', depth: 0 }), 2)
  if (text.startsWith('$(', i)) return (l.stack.push({ k: 'cmdsub', depth: 0 }), 1)
  if (text[i] === '`') return (l.stack.push({ k: 'backtick' }), 0)
  return -1
}

const holeAsDelimiter = (): DflowError =>
  new DflowError([problem(['sh'], 'a heredoc delimiter cannot be a hole', "write the delimiter literally, e.g. <<'EOF'")])

const lexText = (l: Lexer, text: string, atHoleNext: boolean): void => {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    const rest = () => text.slice(i)
    const cur = top(l)
    if (cur.k === 'heredoc') {
      if (c === '\n') {
        const line = cur.strip ? l.line.replace(/^\t+/, '') : l.line
        if (line === cur.delim) l.stack.pop()
        l.line = ''
        l.wordStart = true
        continue
      }
      l.line += c
      // An unquoted heredoc body is expanded like double-quoted text (but `"` is an ordinary character).
      if (cur.quoted) continue
      if (c === '\\') { i++; l.line += text[i] ?? ''; continue }
      i += Math.max(0, enterExpansion(l, text, i))
      continue
    }
    if (c === '\n') {
      l.line = ''
      if (cur.k === 'comment') l.stack.pop()
      // Heredoc bodies start here, in the order announced.
      for (const h of l.pending.reverse()) l.stack.push({ k: 'heredoc', ...h })
      l.pending = []
      l.wordStart = true
      continue
    }
    l.line += c
    switch (cur.k) {
      case 'comment':
        continue
      case 'squote':
        if (c === "'") l.stack.pop()
        continue
      case 'dquote':
        if (c === '\\') { i++; l.line += text[i] ?? ''; continue }
        if (c === '"') l.stack.pop()
        else i += Math.max(0, enterExpansion(l, text, i))
        continue
      case 'arith':
        if (c === '(') cur.depth++
        else if (c === ')') {
          if (cur.depth === 0 && text[i + 1] === ')') { l.stack.pop(); i++ }
          else cur.depth--
        }
        continue
      default:
        break
    }
    // normal, cmdsub, backtick
    const wasWordStart = l.wordStart
    l.wordStart = /[\s;&|()<>]/.test(c)
    if (c === '\\') { i++; l.line += text[i] ?? ''; continue }
    if (c === "'") { l.stack.push({ k: 'squote' }); continue }
    if (c === '"') { l.stack.push({ k: 'dquote' }); continue }
    if (c === '#' && wasWordStart) { l.stack.push({ k: 'comment' }); continue }
    if (c === '`') {
      if (cur.k === 'backtick') l.stack.pop()
      else l.stack.push({ k: 'backtick' })
      continue
    }
    const entered = enterExpansion(l, text, i)
    if (entered >= 0) { i += entered; continue }
    if (cur.k === 'cmdsub' && (c === '(' || c === ')')) {
      if (c === '(') cur.depth++
      else if (cur.depth === 0) l.stack.pop()
      else cur.depth--
      continue
    }
    if (rest().startsWith('<<<')) { l.line += '<<'; i += 2; continue }
    if (rest().startsWith('<<')) {
      const m = HEREDOC.exec(rest())
      if (m) {
        if (atHoleNext && m[0].length === rest().length) throw holeAsDelimiter()
        l.pending.push({ ...heredocWord(m[2]!), strip: m[1] === '-' })
        l.line += m[0].slice(1)
        i += m[0].length - 1
      } else if (atHoleNext && /^<<-?[ \t]*$/.test(rest())) throw holeAsDelimiter()
    }
  }
}

const contextOf = (l: Lexer, at: string): HoleContext => {
  const cur = top(l)
  const fail = (where: string, hint: string): never => {
    throw new DflowError([problem(['sh'], `a hole inside ${where} would not be expanded (after: ${JSON.stringify(at.slice(-30))})`, hint)])
  }
  switch (cur.k) {
    case 'squote':
      return fail('single quotes', 'close the quotes before the hole: \'text\'${x}, or use double quotes')
    case 'comment':
      return fail('a comment', 'move the hole out of the comment')
    case 'heredoc':
      return cur.quoted ? fail('a quoted heredoc', 'use an unquoted delimiter (<<EOF) or pass the value another way') : 'dquote'
    case 'dquote':
      return 'dquote'
    case 'arith':
      return 'arith'
    default:
      return 'word'
  }
}

/** Lexes a template's literal pieces and classifies each hole. */
const segmentsOf = (strings: readonly string[], values: readonly HoleValue[]): Segment[] => {
  const l: Lexer = { stack: [{ k: 'normal' }], pending: [], line: '', wordStart: true }
  const segments: Segment[] = []
  let seen = ''
  strings.forEach((text, i) => {
    const hasHole = i < values.length
    lexText(l, text, hasHole)
    seen += text
    if (text) segments.push({ _tag: 'Text', text })
    if (!hasHole) return
    const value = values[i]!
    checkHoleValue('sh', i, value)
    if (isRawValue(value)) {
      lexText(l, value.text, false)
      seen += value.text
      segments.push({ _tag: 'Hole', value, context: 'word' })
      return
    }
    segments.push({ _tag: 'Hole', value, context: contextOf(l, seen) })
    seen += '${…}'
    // A hole is one word of text as far as the lexer is concerned.
    l.wordStart = false
    l.line += '\u0000'
  })
  return segments
}

const isRawValue = (v: HoleValue): v is Raw => typeof v === 'object' && !Array.isArray(v) && (v as Raw)._tag === 'Raw'

/**
 * Builds a shell script from a template literal. Each hole becomes an environment variable set by the
 * interpreter and is referenced in the script as `"${V}"` (or `${V}` inside double quotes, heredocs and
 * `$((…))`), so no value is ever parsed by the shell. The literal text is taken raw, exactly as typed
 * (`\n` stays a backslash and an `n`, as the shell expects), except that `` \` `` is a backtick and `\${` is
 * the shell's `${` (the two escapes JavaScript forces). A hole inside single quotes, a quoted heredoc
 * or a comment is an error here, when the script is built.
 *
 * @example
 * ```ts
 * sh`cat ${foo} ${foo} > bar.txt; echo $((${msg} * 2)) > result.txt`
 * // renders: cat "${dflow_art_foo}" "${dflow_art_foo}" > bar.txt; echo $((${dflow_in_msg} * 2)) > result.txt
 * sh`echo '${x}'` // throws DflowError: a hole inside single quotes would not be expanded
 * ```
 */
export const sh = Object.assign(
  (strings: TemplateStringsArray, ...values: HoleValue[]): Script =>
    Object.freeze({ _tag: 'Script' as const, lang: 'sh' as const, segments: Object.freeze(segmentsOf(strings.raw.map(templateText), values)) }),
  {
    /**
     * Shell code pasted verbatim, bypassing every protection: for text you wrote yourself, never for data.
     * @example sh`ls ${sh.unsafeRaw('-l | head')}`
     */
    unsafeRaw: (text: string): Raw => Object.freeze({ _tag: 'Raw' as const, text }),
  },
)

/** A string as one POSIX single-quoted word (for text the renderer itself writes into a script). */
const singleQuoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Renders holes for POSIX sh (dash, bash, busybox).
 *
 * @example
 * ```ts
 * shRenderer.ref('x', 'word')  // '"${x}"'
 * ```
 */
export const shRenderer: LangRenderer = {
  ref: (name, context) => (context === 'word' ? `"\${${name}}"` : `\${${name}}`),
  list: (names, context) => names.map((n) => (context === 'word' ? `"\${${n}}"` : `\${${n}}`)).join(' '),
  guard: (vars) =>
    vars
      .map(
        ({ name, label }) =>
          `case \${${name}} in ''|-|*[!0-9-]*|?*-*|0[0-9]*|-0[0-9]*) printf 'dflow: %s must be an integer in $((...)), got: %s\\n' ${singleQuoted(label)} "\${${name}}" >&2; exit 2;; esac\n`,
      )
      .join(''),
  // `$(cat …)` drops trailing newlines: a dot after the value keeps them, and is removed. Not exported, so a
  // large value does not reach (and stop) the commands the script starts.
  fromFiles: (names) =>
    names
      .map((n) => `if [ -n "\${${fileVarOf(n)}+x}" ]; then ${n}=$(cat -- "\${${fileVarOf(n)}}" && printf .) || exit 2; ${n}=\${${n}%.}; fi\n`)
      .join(''),
}
