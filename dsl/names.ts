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

/** The message for an invalid name of the given kind, or `undefined` when the name is valid. */
export const checkName = (kind: NameKind, name: string): string | undefined => {
  const rule = RULES[kind]
  if (name.length > rule.max) return `${kind} name "${name}" is ${name.length} characters long; at most ${rule.max} are allowed`
  if (!rule.pattern.test(name)) return `${kind} name "${name}" must match ${rule.pattern.source}: ${rule.hint}`
  return undefined
}
