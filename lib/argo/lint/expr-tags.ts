import type { Problem } from 'dflow-ts'
import { lintProblem, stringsIn, type LintRule } from './context.ts'

const OPEN: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' }

/**
 * Why an expr-lang program is not whole, or nothing: a string literal left open, or a bracket not closed —
 * what remains of an expression that Argo's template engine cut at a `}}` inside it.
 *
 * @example
 * ```ts
 * unfinished("'a") // 'a string literal is not closed'
 * ```
 */
export const unfinished = (src: string): string | undefined => {
  const closers: string[] = []
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c !== '`' ? 2 : 1
      if (j >= src.length) return 'a string literal is not closed'
      i = j
    } else if (OPEN[c]) closers.push(OPEN[c]!)
    else if (c === ')' || c === ']' || c === '}') {
      if (closers.pop() !== c) return `"${c}" closes nothing`
    }
  }
  return closers.length ? `"${closers[closers.length - 1]}" is missing` : undefined
}

/**
 * The `{{= … }}` tags of a string as Argo's template engine (fasttemplate) finds them: from `{{` to the
 * first `}}` after it, or to the end of the string when no `}}` follows (`end: false`).
 *
 * @example
 * ```ts
 * exprTagsOf("{{= 'a}}b' }}") // [{ expression: " 'a", end: true }]
 * ```
 */
export const exprTagsOf = (s: string): { expression: string; end: boolean }[] => {
  const out: { expression: string; end: boolean }[] = []
  for (let at = s.indexOf('{{'); at >= 0; at = s.indexOf('{{', at)) {
    const close = s.indexOf('}}', at + 2)
    const tag = s.slice(at + 2, close < 0 ? undefined : close)
    if (tag.startsWith('=')) out.push({ expression: tag.slice(1), end: close >= 0 })
    if (close < 0) break
    at = close + 2
  }
  return out
}

const check = (s: string, path: readonly string[]): Problem[] =>
  exprTagsOf(s).flatMap(({ expression, end }) => {
    const why = end ? unfinished(expression) : 'no "}}" closes it'
    return why
      ? [
          lintProblem(path, 'expr-tag', `{{=${expression}${end ? '}}' : ''} is cut short: ${why} (Argo ends a tag at the first "}}")`,
            'write "}}" inside a string literal as "}\\x7d" (and "{{" as "{\\x7b")'),
        ]
      : []
  })

/**
 * `{{= … }}` expression tags are whole where Argo's template engine ends them: an expression holding `}}`
 * (in a string literal, or a map literal) is cut there, and Argo evaluates the fragment — or fails.
 *
 * @example
 * ```ts
 * exprTags(ctxOf({ kind: 'Workflow', spec: { templates: [{ name: 'a', steps: [[{ name: 's', when: "{{= 'a}}' == 'b' }}" }]] }] } }))
 * // [{ message: "{{= 'a}} is cut short: a string literal is not closed … [lint: expr-tag]" }]
 * ```
 */
export const exprTags: LintRule = (ctx) => stringsIn(ctx.spec, ctx.at).flatMap(({ s, path }) => check(s, path))
