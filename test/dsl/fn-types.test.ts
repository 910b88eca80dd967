/**
 * Compile-time checks of function OPs: the body's inputs are typed by the declarations and its returned
 * outputs are checked by TypeScript. Each `@ts-expect-error` below must stay an error (tsc fails otherwise).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, artifactList, bigParam, fn, param, seq, step, t, validate, workflow } from 'dflow-ts'

test('inputs are typed, outputs are checked, defaults and optional artifacts may be left out', () => {
  const op = fn(
    {
      name: 'typed',
      module: import.meta.url,
      inputs: { n: param(t.number), s: param(t.string, { default: 'x' }), f: artifact({ optional: true }), fs: artifactList(), big: bigParam(t.type({ a: t.number })) },
      outputs: { out: param(t.number), note: param(t.string, { default: '' }), file: artifact(), maybe: artifact({ optional: true }) },
    },
    ({ n, s, f, fs, big }) => {
      const num: number = n + big.a
      const str: string = s
      const path: string | null = f
      const paths: readonly string[] = fs
      return { out: num + str.length + (path?.length ?? 0) + paths.length, file: 'x.txt' }
    },
  )
  // @ts-expect-error the body must return `out` as a number
  fn({ name: 'bad-out', module: import.meta.url, outputs: { out: param(t.number) } }, () => ({ out: 'oops' }))
  // @ts-expect-error a required output cannot be left out
  fn({ name: 'missing-out', module: import.meta.url, outputs: { out: param(t.number) } }, () => ({}))
  // @ts-expect-error an input parameter of type number is not a string
  fn({ name: 'bad-in', module: import.meta.url, inputs: { n: param(t.number) } }, ({ n }) => ({ x: n.toUpperCase() }))
  // @ts-expect-error a step passes a string where the OP declares a number
  step('s', op, { n: 'two', fs: undefined as never, big: { a: 1 } })
  const lists = fn({ name: 'lists', module: import.meta.url, outputs: { fs: artifactList() } }, () => ({ fs: ['a.txt'] }))
  const l = step('l', lists)
  assert.equal(validate(workflow('ok', seq(l, step('s', op, { n: 1, fs: l.outputs.fs, big: { a: 1 } })))), [])
})

test('a big and a normal parameter cannot be wired together (Argo passes a big one as an artifact)', () => {
  const a = fn({ name: 'a', module: import.meta.url, outputs: { v: bigParam(t.number) } }, () => ({ v: 1 }))
  const b = fn({ name: 'b', module: import.meta.url, inputs: { v: param(t.number) } }, () => ({}))
  const sa = step('sa', a)
  const ps = validate(workflow('mix', seq(sa, step('sb', b, { v: sa.outputs.v }))))
  assert.match(ps.map((p) => p.message).join('\n'), 'is a big parameter but the input is a normal one')
})

test.run()
