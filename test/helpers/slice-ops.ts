/**
 * Function OPs for the slice tests (a module of its own: a worker imports an OP's module, and importing a
 * test file would run its tests).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { artifact, artifactList, fn, FatalError, param, sh, shell, t } from 'dflow-ts'

let inflight = 0
let most = 0

/** Waits a little and reports the most slices it saw under way at once in this worker (to check poolSize). @example step('c', concurrent, { x: 1 }) */
export const concurrent = fn(
  { name: 'concurrent', module: import.meta.url, inputs: { x: param(t.number) }, outputs: { most: param(t.number), y: param(t.number) } },
  async ({ x }) => {
    inflight++
    most = Math.max(most, inflight)
    await new Promise((r) => setTimeout(r, 30))
    inflight--
    const seen = most
    if (inflight === 0) most = 0
    return { most: seen, y: x * 10 }
  },
)

/** Doubles x; fails (fatally) for x = 3. @example step('d', doubleBut3, { x: 2 }) // y = 4 */
export const doubleBut3 = fn({ name: 'double-but-3', module: import.meta.url, inputs: { x: param(t.number), tag: param(t.string, { default: '' }) }, outputs: { y: param(t.number), tagged: param(t.string) } }, ({ x, tag }, ctx) => {
  if (x === 3) throw new FatalError('three is not allowed')
  return { y: 2 * x, tagged: `${tag}${ctx.key}:${x}` }
})

/** The entries of a part that is a folder. @example step('read', readPart, { foo: s.foo }) */
export const readPart = fn({ name: 'read-part', module: import.meta.url, inputs: { foo: artifact() }, outputs: { names: param(t.array(t.string)) } }, ({ foo }) => ({
  names: readdirSync(foo).filter((f) => !f.startsWith('.')),
}))

/** An empty list artifact (stored unarchived) and a list of 3 numbers. @example step('mk', mkNone) */
export const mkNone = fn({ name: 'mk-none', module: import.meta.url, outputs: { foo: artifactList({ archive: 'none' }), n: param(t.array(t.number)) } }, () => {
  return { foo: [], n: [1, 2, 3] }
})
/** A folder artifact with no catalog. @example step('folder', folder) */
export const folder = shell({ name: 'folder', outputs: { foo: artifact({ path: 'out', archive: 'none' }) }, script: () => sh`mkdir -p out && echo x > out/a.txt` })
/** The text of a part that is a file. @example step('read', readFile, { foo: s.foo }) */
export const readFile = fn({ name: 'read-file', module: import.meta.url, inputs: { foo: artifact(), n: param(t.number, { default: 0 }) }, outputs: { text: param(t.string) } }, ({ foo }) => ({
  text: readFileSync(foo, 'utf8'),
}))


/** Writes `foo/FILENAME` (text: the file name) under its work folder and returns the folder `foo` as its artifact. @example step('w', writeNamed, { filename: 'a.txt' }) */
export const writeNamed = fn({ name: 'write-named', module: import.meta.url, inputs: { filename: param(t.string) }, outputs: { foo: artifact(), size: param(t.number) } }, async ({ filename }, ctx) => {
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  mkdirSync(join(ctx.workdir, 'foo'), { recursive: true })
  writeFileSync(join(ctx.workdir, 'foo', filename), filename)
  // Several slices may run at once in one process: each writes only under its own folder.
  await new Promise((r) => setTimeout(r, 10))
  return { foo: 'foo', size: filename.length }
})

/** What a list artifact of folders holds: each entry's files and their texts, in order. @example step('l', listEntries, { foo: fan.outputs.foo }) */
export const listEntries = fn({ name: 'list-entries', module: import.meta.url, inputs: { foo: artifactList() }, outputs: { files: param(t.array(t.array(t.string))), texts: param(t.array(t.string)) } }, ({ foo }) => {
  const files = foo.map((dir) => readdirSync(dir).filter((f) => !f.startsWith('.')).sort())
  return { files, texts: foo.flatMap((dir, i) => files[i]!.map((f) => readFileSync(`${dir}/${f}`, 'utf8'))) }
})

/** Prints the file its input artifact is staged at, the relative path it declares (not through a hole). @example step('cat', catAt, { foo: s.foo }) */
export const catAt = shell({ name: 'cat-at', inputs: { foo: artifact({ path: 'in/part.txt' }) }, outputs: { text: param(t.string, { path: 'text.txt' }) }, script: () => sh`cat in/part.txt > text.txt` })
