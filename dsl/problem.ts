/**
 * Errors as data: every problem found in a workflow value names where it is and how to fix it.
 *
 * @example
 * ```ts
 * const p = problem(['steps', 'hello1', 'args', 'msg'], 'unknown input "msg"', 'the template declares: text')
 * formatProblem(p) // 'steps.hello1.args.msg: unknown input "msg" (hint: the template declares: text)'
 * ```
 */
export interface Problem {
  /** Where the problem is, from the workflow down (template, step and field names). */
  readonly path: readonly string[]
  /** What is wrong. */
  readonly message: string
  /** How to fix it. */
  readonly hint?: string
}

/** Builds a {@link Problem}. @example problem(['wf'], 'bad name', 'use lowercase') */
export const problem = (path: readonly string[], message: string, hint?: string): Problem =>
  Object.freeze(hint === undefined ? { path, message } : { path, message, hint })

/** One line per problem: `path: message (hint: …)`. @example formatProblem(problem(['a'], 'm')) // 'a: m' */
export const formatProblem = (p: Problem): string =>
  `${p.path.join('.') || '<workflow>'}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`

/**
 * Thrown by constructors given input that can never be valid (a programmer error caught where it is made),
 * and by interpreters handed a workflow that does not validate. `problems` carries the data.
 *
 * @example
 * ```ts
 * try { sh`echo '${x}'` } catch (e) { if (e instanceof DflowError) console.log(e.problems) }
 * ```
 */
export class DflowError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'DflowError'
  }
}
