import type { IoSpec } from '../io.ts'
import { problem, type Problem } from '../problem.ts'
import type { FnTemplate } from './fn.ts'

/**
 * Problems of a function OP's declaration: a module that is not a URL (pass `import.meta.url`), a body
 * that is not a function, a big parameter or shaped artifact declared with a path (fn OPs choose paths).
 *
 * @example
 * ```ts
 * fnProblems(fn({ name: 'x', module: 'oops' }, () => ({})), ['templates', 'x']) // [{ …, message: 'module "oops" is not a URL …' }]
 * ```
 */
export const fnProblems = (t: FnTemplate, path: readonly string[]): Problem[] => {
  const out: Problem[] = []
  if (!/^[a-z][a-z0-9+.-]*:/.test(t.module)) out.push(problem([...path, 'module'], `module "${t.module}" is not a URL`, 'pass import.meta.url of the module that defines the OP'))
  if (typeof t.body !== 'function') out.push(problem([...path, 'body'], 'the body is not a function'))
  for (const [side, io] of [['inputs', t.inputs], ['outputs', t.outputs]] as const)
    for (const [name, s] of Object.entries(io as IoSpec))
      if (s.path !== undefined) out.push(problem([...path, side, name], `a function OP's ${side} take no path (got "${s.path}")`, 'the runtime chooses where values and artifacts live; return paths from the body instead'))
  return out
}
