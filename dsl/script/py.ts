import { DflowError, problem } from '../problem.ts'
import type { HoleValue, LangRenderer, Raw, Script, Segment } from './script.ts'
import { checkHoleValue, fileVarOf, templateText } from './script.ts'

type State = { k: 'code' } | { k: 'comment' } | { k: 'string'; quote: string }

const step = (state: State, text: string): State => {
  let s = state
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (s.k === 'comment') {
      if (c === '\n') s = { k: 'code' }
    } else if (s.k === 'string') {
      if (c === '\\') i++
      else if (text.startsWith(s.quote, i)) { i += s.quote.length - 1; s = { k: 'code' } }
    } else if (c === '#') s = { k: 'comment' }
    else if (c === '"' || c === "'") {
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c
      i += quote.length - 1
      s = { k: 'string', quote }
    }
  }
  return s
}

const isRaw = (v: HoleValue): v is Raw => typeof v === 'object' && !Array.isArray(v) && (v as Raw)._tag === 'Raw'

/**
 * Builds a Python script from a template literal. Each hole becomes an environment variable read with
 * `os.environ` (so a value is a `str`, never code); a list hole becomes a Python list of such strings. A hole
 * inside a string literal or a comment is an error when the script is built. Text is taken raw, as typed
 * (`` \` `` and `\${` excepted: they stand for `` ` `` and `${`).
 *
 * @example
 * ```ts
 * script({ name: 'double', inputs: { n: param(t.number) }, source: ({ n }) => py`print(int(${n}) * 2)` })
 * // renders: print(int(__import__("os").environ["dflow_in_n"]) * 2)
 * ```
 */
export const py = (strings: TemplateStringsArray, ...values: HoleValue[]): Script => {
  const segments: Segment[] = []
  let state: State = { k: 'code' }
  strings.raw.map(templateText).forEach((text, i) => {
    state = step(state, text)
    if (text) segments.push({ _tag: 'Text', text })
    if (i >= values.length) return
    const value = values[i]!
    checkHoleValue('python', i, value)
    if (isRaw(value)) state = step(state, value.text)
    else if (state.k !== 'code')
      throw new DflowError([
        problem(['py'], `a hole inside a Python ${state.k === 'comment' ? 'comment' : 'string literal'} would not be expanded`, 'put the hole outside the literal: "text " + ${x}'),
      ])
    segments.push({ _tag: 'Hole', value, context: 'code' })
  })
  return Object.freeze({ _tag: 'Script' as const, lang: 'python' as const, segments: Object.freeze(segments) })
}

/**
 * A Python expression for the value of variable `name`: `os.environ[name]`, or, for a value that may be in a
 * file, that file's text when {@link fileVarOf} is set (read as UTF-8, every byte and line ending kept) —
 * an expression rather than lines before the script, which would come before a `from __future__` import,
 * and the environment is left as it was (a large value there would stop every command the script starts).
 */
const pyRef = (name: string, fromFile: boolean): string => {
  const env = `__import__("os").environ`
  if (!fromFile) return `${env}["${name}"]`
  const file = fileVarOf(name)
  return `(lambda e: open(e["${file}"], encoding="utf-8", errors="surrogateescape", newline="").read() if "${file}" in e else e["${name}"])(${env})`
}

/**
 * Renders holes for Python 3.
 *
 * @example
 * ```ts
 * pyRenderer.guard([])  // ''
 * ```
 */
export const pyRenderer: LangRenderer = {
  ref: (name, _, fromFile) => pyRef(name, fromFile),
  list: (names, _, fromFile) => `[${names.map((n, i) => pyRef(n, fromFile[i]!)).join(', ')}]`,
  guard: () => '',
  fromFiles: () => '',
}
