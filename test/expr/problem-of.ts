import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'

/**
 * The messages of the DflowError that a function throws, joined by newlines; fails the test when it throws
 * nothing or something else.
 *
 * @example
 * ```ts
 * assert.match(problemOf(() => expr`${n} < < 3`), 'unexpected "<"')
 * ```
 */
export const problemOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    assert.instance(e, DflowError)
    return (e as DflowError).problems.map((p) => p.message).join('\n')
  }
  throw new assert.Assertion({ message: 'expected a DflowError' } as never)
}
