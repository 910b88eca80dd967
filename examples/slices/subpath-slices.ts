/**
 * dflow's E11 (tests/test_subpath_slices.py): `prepare` writes `foo1.txt` = "foo1" and `foo2.txt` = "foo2"
 * and returns them as one list artifact `foo`, stored unarchived (`archive: 'none'`, as dflow's sub-path
 * slices need); `hello` is sliced over `foo` itself (dflow's `input_artifact=["foo"]`, `sub_path=True`): no
 * count and no list of names — the width is foo's catalog — and each call stages only its own file, which
 * it prints. Expected: 2 `hello` calls, `hello(0)` given only `foo1.txt` and printing "foo1", `hello(1)` only
 * `foo2.txt`, printing "foo2"; the slices' items `[{ _index: 0, foo: 'foo1.txt' }, { _index: 1, foo:
 * 'foo2.txt' }]` (dflow's `dflow_slices_path`, `order` being `_index`).
 */
import { artifact, artifactList, fn, param, seq, slice, step, t, workflow } from 'dflow-ts'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'

export const prepare = fn({ name: 'prepare', module: import.meta.url, outputs: { foo: artifactList({ archive: 'none' }) } }, () => {
  writeFileSync('foo1.txt', 'foo1')
  writeFileSync('foo2.txt', 'foo2')
  return { foo: ['foo1.txt', 'foo2.txt'] }
})

const hello = fn({ name: 'hello', module: import.meta.url, inputs: { foo: artifact() }, outputs: { name: param(t.string), text: param(t.string) } }, ({ foo }, ctx) => {
  const text = readFileSync(foo, 'utf8')
  ctx.log(text)
  return { name: basename(foo), text }
})

export default workflow('subpath-slices', () => {
  const p = step('prepare', prepare)
  return seq(p, slice({ foo: p.outputs.foo }, (s) => step('hello', hello, { foo: s.foo })))
})
