/**
 * Compile-time checks: mis-wiring a step is a TypeScript error. Each `@ts-expect-error` line below must stay
 * an error, or `tsc` (run by `npm test` before any test) fails with "Unused '@ts-expect-error' directive".
 * At run time the same mis-wired workflows are caught again by `validate`, for JavaScript callers.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, localArtifact, param, py, seq, sh, shell, step, subflow, t, workflow, type ParamRef } from 'dflow-ts'
import { duplicate, echo, hello, problemsOf } from './fixtures.ts'
import { expectOneProblem } from './expect-error.ts'

const h0 = step('hello0', hello)

test('what is well typed compiles and validates', () => {
  const n: ParamRef<number> = h0.outputs.msg
  const d1 = step('d1', duplicate, { msg: n, foo: h0.outputs.bar })
  const d2 = step('d2', duplicate, { msg: 3, foo: localArtifact('in.txt'), note: 'optional, given' })
  const e1 = step('e1', echo, { text: 'hi' })
  const e2 = step('e2', echo, { text: e1.outputs.text })
  const twice = subflow({
    name: 'twice',
    inputs: { n: param(t.number), f: artifact() },
    body: ({ n, f }) => {
      const a = step('a', duplicate, { msg: n, foo: f })
      return { run: a, outputs: { n: a.outputs.msg, f: a.outputs.bar } }
    },
  })
  const sub = step('sub', twice, { n: d1.outputs.msg, f: d1.outputs.bar })
  const d3 = step('d3', duplicate, { msg: sub.outputs.n, foo: sub.outputs.f })
  const wf = workflow('typed', ({ greeting }) => seq(h0, d1, d2, e1, e2, sub, d3, step('e3', echo, { text: greeting })), {
    parameters: { greeting: param(t.string, { default: 'hello' }) },
  })
  assert.equal(problemsOf(wf), [])
})

test('mis-wirings are type errors, and validate finds each of them too', () => {
  const e1 = step('e1', echo, { text: 'x' })
  // A ParamRef<number> into a string input.
  // @ts-expect-error Type 'ParamRef<number>' is not assignable to type 'ParamArg<string>'
  const numIntoString = step('num-into-string', echo, { text: h0.outputs.msg })
  // A ParamRef<string> into a number input.
  // @ts-expect-error Type 'ParamRef<string>' is not assignable to type 'ParamArg<number>'
  const stringIntoNum = step('string-into-num', duplicate, { msg: e1.outputs.text, foo: h0.outputs.bar })
  // An artifact into a parameter input.
  // @ts-expect-error Type 'ArtifactRef' is not assignable to type 'ParamArg<number>'
  const artIntoParam = step('art-into-param', duplicate, { msg: h0.outputs.bar, foo: h0.outputs.bar })
  // A parameter into an artifact input.
  // @ts-expect-error Type 'ParamRef<number>' is not assignable to type 'ArtifactArg'
  const paramIntoArt = step('param-into-art', duplicate, { msg: 1, foo: h0.outputs.msg })
  // A literal of the wrong type.
  // @ts-expect-error Type 'string' is not assignable to type 'ParamArg<number>'
  const wrongLiteral = step('wrong-literal', duplicate, { msg: 'four', foo: h0.outputs.bar })
  // A string literal where an artifact is expected (a path must be wrapped in localArtifact).
  // @ts-expect-error Type 'string' is not assignable to type 'ArtifactArg'
  const bareString = step('bare-string', duplicate, { msg: 1, foo: 'in.txt' })
  // Missing a required argument.
  // @ts-expect-error Argument of type '{ msg: number; }' is not assignable (property 'foo' is missing)
  const missingOne = step('missing-one', duplicate, { msg: 1 })
  // No arguments at all for a template with required inputs.
  // @ts-expect-error Expected 3-4 arguments, but got 2
  const missingAll = step('missing-all', duplicate)
  // An argument the template does not declare.
  // @ts-expect-error Object literal may only specify known properties
  const unknownArg = step('unknown-arg', echo, { text: 'x', txet: 'y' })
  const wf = workflow(
    'miswired',
    seq(h0, e1, numIntoString, stringIntoNum, artIntoParam, paramIntoArt, wrongLiteral, bareString, missingOne, missingAll, unknownArg),
  )
  const flagged = new Set(problemsOf(wf).map((line) => line.split('.')[1]))
  assert.equal([...flagged].sort(), ['art-into-param', 'bare-string', 'missing-all', 'missing-one', 'num-into-string', 'param-into-art', 'string-into-num', 'unknown-arg', 'wrong-literal'])
})

test('unknown outputs, unknown workflow parameters and values no hole can take are type errors', () => {
  // @ts-expect-error Property 'nope' does not exist
  assert.is(h0.outputs.nope, undefined)
  // @ts-expect-error Property 'nope' does not exist
  const wf = workflow('w', ({ nope }) => step('e', echo, { text: nope }), { parameters: { known: param(t.string) } })
  assert.is(wf.parameters.known.codec, t.string)
  // JavaScript callers get the same checks when the script is built.
  // @ts-expect-error Object literal may only specify known properties
  expectOneProblem(() => sh`echo ${'ok'} ${{ a: 1 }}`, ['sh', 'hole 1'], /the hole holds {"a":1}, which is not a script value/)
  // @ts-expect-error Argument of type 'null' is not assignable to parameter of type 'HoleValue'
  expectOneProblem(() => sh`echo ${null}`, ['sh', 'hole 0'], /holds null/)
  // @ts-expect-error Argument of type 'undefined' is not assignable to parameter of type 'HoleValue'
  expectOneProblem(() => py`print(${undefined})`, ['py', 'hole 0'], /holds undefined/)
  // @ts-expect-error Type 'undefined' is not assignable to type 'Scalar'
  expectOneProblem(() => sh`echo ${['a', undefined]}`, ['sh', 'hole 0'], /holds \["a",null\]/)
})

test('a template script only sees declared inputs (and using another one throws when it is built)', () => {
  const build = () =>
    shell({
      name: 'io',
      inputs: { a: param(t.string) },
      outputs: { b: artifact({ path: 'b' }) },
      // @ts-expect-error Property 'c' does not exist
      script: ({ a, c }, out) => sh`echo ${a} ${c} > ${out.b}`,
    })
  expectOneProblem(build, ['sh', 'hole 1'], /holds undefined/)
})

test.run()
