import * as assert from 'uvu/assert'
import { DflowError, type Problem } from 'dflow-ts'

/**
 * Test helper: asserts that building something throws a DflowError holding exactly one problem at `path`
 * whose message matches, and that the problem carries a hint.
 *
 * @example
 * ```ts
 * expectOneProblem(() => sh`echo '${x}'`, ['sh'], /inside single quotes/)
 * ```
 */
export const expectOneProblem = (build: () => unknown, path: readonly string[], message: RegExp): Problem => {
  let error: unknown
  try {
    build()
  } catch (e) {
    error = e
  }
  assert.instance(error, DflowError, 'building it throws a DflowError')
  const { problems } = error as DflowError
  assert.is(problems.length, 1, (error as DflowError).message)
  const p = problems[0]!
  assert.equal(p.path, path)
  assert.match(p.message, message)
  assert.ok(p.hint && p.hint.length > 10, 'a hint says how to fix it')
  assert.ok((error as DflowError).message.includes(`(hint: ${p.hint})`), 'the error message shows the hint')
  return p
}
