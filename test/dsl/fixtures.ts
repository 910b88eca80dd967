/**
 * Templates and helpers shared by the validation and type tests.
 *
 * @example
 * ```ts
 * const h0 = step('hello0', hello)
 * problemsOf(workflow('wf', seq(h0, step('d', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar }))))  // []
 * ```
 */
import * as assert from 'uvu/assert'
import { artifact, param, sh, shell, t, validate, type ValidateOptions, type Workflow } from 'dflow-ts'

/** No inputs; a number and a file out. @example step('hello0', hello).outputs.msg // ParamRef<number> */
export const hello = shell({
  name: 'hello',
  outputs: { msg: param(t.number, { path: 'result.txt' }), bar: artifact({ path: 'bar.txt' }) },
  script: () => sh`echo Hello > bar.txt && echo 1 > result.txt`,
})

/** A number and a file in (plus an optional string); a number and a file out. @example step('d', duplicate, { msg: 1, foo: localArtifact('f') }) */
export const duplicate = shell({
  name: 'duplicate',
  inputs: { msg: param(t.number), foo: artifact(), note: param(t.string, { default: '' }) },
  outputs: { msg: param(t.number, { path: 'result.txt' }), bar: artifact({ path: 'bar.txt' }) },
  script: ({ msg, foo }) => sh`cat ${foo} ${foo} > bar.txt; echo $((${msg} * 2)) > result.txt`,
})

/** A string in, a string out. @example step('e', echo, { text: 'hi' }) */
export const echo = shell({
  name: 'echo',
  inputs: { text: param(t.string) },
  outputs: { text: param(t.string, { path: 'out.txt' }) },
  script: ({ text }) => sh`printf '%s' ${text} > out.txt`,
})

/**
 * Validates and returns the problems as `path: message` lines (easy to compare), after checking that each
 * problem has a path and a hint.
 *
 * @example
 * ```ts
 * problemsOf(workflow('UPPER', step('a', hello))) // ['UPPER: workflow name "UPPER" must match …']
 * ```
 */
export const problemsOf = (wf: Workflow<any, any>, options: ValidateOptions = {}): string[] =>
  validate(wf, options).map((p) => {
    assert.ok(p.path.length > 0, `a path for: ${p.message}`)
    assert.ok(p.hint && p.hint.length > 5, `a hint for: ${p.message}`)
    return `${p.path.join('.')}: ${p.message}`
  })

/** Asserts that `lines` match `patterns` one to one, in order. @example assertProblems(problemsOf(wf), [/^w\.a: /]) */
export const assertProblems = (lines: readonly string[], patterns: readonly RegExp[]): void => {
  const shown = lines.join('\n')
  assert.is(lines.length, patterns.length, `expected ${patterns.length} problems, got:\n${shown}`)
  patterns.forEach((re, i) => assert.match(lines[i]!, re, `problem ${i + 1} of:\n${shown}`))
}
