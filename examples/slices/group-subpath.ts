/**
 * dflow's E11 in groups (issue 11: grouped slices of list artifacts): `prepare` writes `foo1.txt` … `foo5.txt`
 * (= "foo1" … "foo5") as one unarchived list artifact `foo`; two steps are sliced over `foo` zipped with a
 * list of tags (`a` … `e`), in groups of 2 (3 calls: 2 + 2 + 1): `hello`, a function OP, and `cat`, a shell
 * template, with a pool of 2. Each slice gets only its own part (slice i: the catalog's i-th path), as an
 * ungrouped slice does — the function OP at a path named as its input (`foo`), the script through its hole
 * `${foo}` — and the outputs are the ungrouped run's. Expected: `hello.outputs.text` = `cat.outputs.text` =
 * `["a:foo1", "b:foo2", "c:foo3", "d:foo4", "e:foo5"]`, `hello.outputs.name` = five times `"foo"`; 3 calls of
 * each, 5 slice records of each.
 */
import { artifact, artifactList, fn, param, seq, sh, shell, slice, step, t, workflow } from 'dflow-ts'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'

const N = 5

export const prepare = fn({ name: 'prepare', module: import.meta.url, outputs: { foo: artifactList({ archive: 'none' }) } }, () => {
  const files = Array.from({ length: N }, (_, i) => `foo${i + 1}.txt`)
  for (const f of files) writeFileSync(f, f.replace('.txt', ''))
  return { foo: files }
})

export const hello = fn({ name: 'hello', module: import.meta.url, inputs: { foo: artifact(), tag: param(t.string) }, outputs: { name: param(t.string), text: param(t.string) } }, ({ foo, tag }) => ({
  name: basename(foo),
  text: `${tag}:${readFileSync(foo, 'utf8')}`,
}))

export const cat = shell({
  name: 'cat',
  inputs: { foo: artifact(), tag: param(t.string) },
  outputs: { text: param(t.string, { path: 'text.txt' }) },
  script: ({ foo, tag }) => sh`{ printf '%s:' ${tag}; cat ${foo}; } > text.txt`,
})

/** The workflow, its slices in groups of `groupSize` (ungrouped when undefined: the same outputs). @example groupedSubpath(undefined) // E11 with tags, one call per slice */
export const groupedSubpath = (groupSize: number | undefined, tags: readonly string[] = ['a', 'b', 'c', 'd', 'e']) =>
  workflow(`group-subpath${groupSize === undefined ? '-ungrouped' : ''}`, () => {
    const p = step('prepare', prepare)
    const g = groupSize === undefined ? {} : { groupSize }
    return seq(
      p,
      slice({ foo: p.outputs.foo, tag: [...tags] }, (s) => step('hello', hello, { foo: s.foo, tag: s.tag }), g),
      slice({ foo: p.outputs.foo, tag: [...tags] }, (s) => step('cat', cat, { foo: s.foo, tag: s.tag }), groupSize === undefined ? {} : { groupSize, poolSize: 2 }),
    )
  })

export default groupedSubpath(2)
