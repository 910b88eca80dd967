import { problem, type Problem } from './problem.ts'

/**
 * Name rules shared by every interpreter (Argo's, which are the strictest): a name that passes here is a
 * valid Argo template, step, parameter or workflow name and a safe folder name.
 *
 * @example
 * ```ts
 * checkName('step', 'hello-1') // undefined (valid)
 * checkName('step', 'hello_1') // 'step name "hello_1" must match ^[a-zA-Z0-9][-a-zA-Z0-9]*$ ...'
 * ```
 */
export type NameKind = 'workflow' | 'template' | 'step' | 'param' | 'artifact' | 'key'

interface Rule {
  readonly pattern: RegExp
  readonly max: number
  readonly hint: string
}

const RULES: Readonly<Record<NameKind, Rule>> = {
  // RFC 1123 subdomain; 57 leaves room for the 5-6 characters a generateName suffix adds under 63.
  workflow: { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, max: 57, hint: 'use lowercase letters, digits and "-", starting and ending with a letter or digit' },
  template: { pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*$/, max: 128, hint: 'use letters, digits and "-", starting with a letter or digit' },
  step: { pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*$/, max: 128, hint: 'use letters, digits and "-", starting with a letter or digit' },
  param: { pattern: /^[-a-zA-Z0-9_]+$/, max: 128, hint: 'use letters, digits, "-" and "_"' },
  artifact: { pattern: /^[-a-zA-Z0-9_]+$/, max: 128, hint: 'use letters, digits, "-" and "_"' },
  key: { pattern: /^[a-z0-9][-a-z0-9]*$/, max: 128, hint: 'use lowercase letters, digits and "-", starting with a letter or digit' },
}

/** What is wrong with a name of the given kind and how to fix it, or `undefined` when the name is valid. */
const diagnose = (kind: NameKind, name: string): { readonly message: string; readonly hint: string; readonly full: string } | undefined => {
  const rule = RULES[kind]
  if (name.length > rule.max) {
    const message = `${kind} name "${name}" is ${name.length} characters long; at most ${rule.max} are allowed`
    return { message, hint: `shorten it to ${rule.max} characters or fewer`, full: message }
  }
  if (!rule.pattern.test(name)) {
    const message = `${kind} name "${name}" must match ${rule.pattern.source}`
    return { message, hint: rule.hint, full: `${message}: ${rule.hint}` }
  }
  return undefined
}

/**
 * The message for an invalid name of the given kind, or `undefined` when the name is valid.
 *
 * @example
 * ```ts
 * checkName('step', 'hello')  // undefined
 * checkName('step', 'Bad Name')  // a message saying why
 * ```
 */
export const checkName = (kind: NameKind, name: string): string | undefined => diagnose(kind, name)?.full

/**
 * The problem with a name of the given kind at `path` (its hint says how to fix it), or none.
 *
 * @example
 * ```ts
 * nameProblems('step', 'hello_1', ['wf', 'hello_1'])
 * // [{ path: ['wf', 'hello_1'], message: 'step name "hello_1" must match ^[a-zA-Z0-9][-a-zA-Z0-9]*$', hint: 'use letters, digits and "-", …' }]
 * ```
 */
export const nameProblems = (kind: NameKind, name: string, path: readonly string[]): Problem[] => {
  const d = diagnose(kind, name)
  return d ? [problem(path, d.message, d.hint)] : []
}
