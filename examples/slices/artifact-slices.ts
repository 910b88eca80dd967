/**
 * dflow's E10 (tests/test_slices.py): `hello` is sliced over the file names `["f1.txt", "f2.txt"]` (dflow's
 * `input_parameter=["filename"]`); each call writes its file with the text "foo" and returns it as its
 * output artifact `foo`; the slices' artifacts are stacked into one list artifact in slice order (dflow's
 * `output_artifact=["foo"]`), entry i holding slice i's file under its own name (`create_dir`: merged
 * outputs cannot collide), with a dflow catalog; `check` reads it as a list of paths (`artifactList()`).
 * Expected: 2 `hello` calls; `check` gets 2 paths, ending `f1.txt` and `f2.txt` in that order, each holding
 * "foo", and returns `n` = 2.
 */
import { artifact, artifactList, fn, param, seq, slice, step, t, workflow } from 'dflow-ts'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

export const hello = fn({ name: 'hello', module: import.meta.url, inputs: { filename: param(t.string) }, outputs: { foo: artifact() } }, ({ filename }) => {
  // Each slice's output in a folder of its own, named by the file (dflow's create_dir).
  mkdirSync('foo', { recursive: true })
  writeFileSync(join('foo', filename), 'foo')
  return { foo: 'foo' }
})

export const check = fn(
  { name: 'check', module: import.meta.url, inputs: { foo: artifactList() }, outputs: { n: param(t.number), names: param(t.array(t.string)), texts: param(t.array(t.string)) } },
  ({ foo }, ctx) => {
    const files = foo.map((dir) => join(dir, readdirOne(dir)))
    ctx.log(files.map((f) => basename(f)).join(' '))
    return { n: foo.length, names: files.map((f) => basename(f)), texts: files.map((f) => readFileSync(f, 'utf8')) }
  },
)

/** The one entry of a slice's folder. */
const readdirOne = (dir: string): string => {
  return readdirSync(dir).filter((f) => !f.startsWith('.'))[0]!
}

export default workflow('artifact-slices', () => {
  const hellos = slice({ filename: ['f1.txt', 'f2.txt'] }, (s) => step('hello', hello, { filename: s.filename }))
  return seq(hellos, step('check', check, { foo: hellos.outputs.foo }))
})
