import { DflowError, problem } from 'dflow-ts'

/**
 * Refuses an imported document: throws a DflowError with one problem at `path` (the field in the document),
 * saying what is wrong and, where there is one, how to fix it.
 *
 * @example
 * ```ts
 * fail(['spec', 'templates', '1', 'http', 'url'], 'an http request needs a url', 'give http.url') // throws
 * ```
 */
export const fail = (path: readonly string[], message: string, hint?: string): never => {
  throw new DflowError([problem(path, message, hint)])
}
