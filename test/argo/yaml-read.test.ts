import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mayHaveOddKeys, parseYaml, parseYamlByReference } from '../../lib/argo/yaml.ts'
import { fastDocuments } from '../../lib/argo/yaml-fast.ts'
import { repoRoot, sharedDir } from './support/shared.ts'

/** Every YAML file under a folder (node_modules and .git left out). */
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' || e.name === '.git' ? [] : yamlFiles(join(dir, e.name))) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  )

const both = (text: string) => ({ quick: fastDocuments(text)?.filter((d) => d !== null && d !== undefined), reference: parseYamlByReference(text) })

test('the quick reader gives the reference values for every scalar form the core schema and YAML 1.1 disagree on', () => {
  const scalars = ['1_000', '0b101', '0o17', '0x1F', '017', '+12', '-0', '1.', '.5', '1e3', '+.5e3', '1.5E-2', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'yes', 'no', 'on', 'off', 'y', 'True', 'TRUE', 'tRue', 'false', '~', 'null', 'Null', 'NULL', 'nULL', '', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '12:30', '190:20:30', '0.', '-.5', '12345678901234567890', '"1"', "'true'", '!!str 1', '!!int "5"', '!!float 1', '!!bool true', '!!null ""']
  for (const s of scalars) {
    const text = `v: ${s}\nlist: [${s || '""'}]\n${s && !s.startsWith('!') && !s.startsWith('"') && !s.startsWith("'") ? `${s}: key\n` : ''}`
    const { quick, reference } = both(text)
    assert.equal(parseYaml(text), reference, `the scalar ${JSON.stringify(s)}`)
    if (quick && reference.ok) assert.equal(quick, reference.documents, `the scalar ${JSON.stringify(s)}, read the quick way`)
  }
})

test("a key Go's reader refuses (null, a collection, an alias of one) is refused at its line, however it is written", () => {
  const odd = ['~: x', 'null: x', 'NULL: x', ': x', '? [a, b]\n: c', '[a, b]: c', '{a: 1}: c', 'm: {~: 1}', 'l:\n  - null: 1', 'a: &n ~\nb:\n  *n : 1', '!!null "": x']
  for (const text of odd) {
    const read = parseYaml(`ok: 1\n${text}\n`)
    assert.is(read.ok, false, text)
    const message = JSON.stringify(read)
    assert.match(message, /a key must be a string, a number or a boolean/, text)
    assert.match(message, /line [234]\b/, text)
  }
  assert.equal(parseYaml('"~": x\n"": y\n1: z\ntrue: w\n'), { ok: true, documents: [{ '~': 'x', '': 'y', 1: 'z', true: 'w' }] })
  assert.is(mayHaveOddKeys('a: 1\nb: [1, 2]\nc: {d: e}\n'), false)
})

test('the quick reader gives the reference values for documents, duplicate keys, anchors, block scalars and merge keys', () => {
  const texts = [
    'a: 1\na: 2\n',
    'x: &v {k: 1}\ny: *v\n',
    'base: &b {k: 1}\nd:\n  <<: *b\n  j: 2\n',
    's: |\n  one\n   two\n\n  three\nf: >-\n  folded\n  text\n\nk: |+\n  kept\n\n',
    '---\n---\nkind: Workflow\n...\n---\nkind: ConfigMap\n',
    'e:\nf: ~\ng: [~, null, ""]\n',
    '"quoted key": "\\u00e9\\t\\x41"\nplain: a b\n',
  ]
  for (const text of texts) {
    const { quick, reference } = both(text)
    assert.ok(reference.ok, text)
    assert.equal(quick, (reference as { documents: readonly unknown[] }).documents, text)
  }
})

test('what the quick reader cannot read is read by the reference, which names the line', () => {
  const flow = 'args: ["echo a",\n  "echo b"\n"]\n'
  assert.equal(parseYaml(flow), parseYamlByReference(flow))
  const bad = parseYaml('a: [1, 2\nb: 3\n')
  assert.is(bad.ok, false)
  assert.match(JSON.stringify(bad), /line \d/)
  assert.equal(parseYaml('a: !!binary aGk=\n'), parseYamlByReference('a: !!binary aGk=\n'))
})

const shared = sharedDir("the quick YAML reader over Argo's examples")

test("the quick reader gives the reference values on every YAML file of the project and of Argo's examples", () => {
  const files = [...yamlFiles(repoRoot), ...(shared ? yamlFiles(join(shared, 'argo')) : [])]
  assert.ok(files.length > (shared ? 250 : 50), `${files.length} files`)
  let quick = 0
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const reference = parseYamlByReference(text)
    const read = parseYaml(text)
    assert.equal(read, reference, file)
    if (fastDocuments(text)) quick++
  }
  assert.ok(quick === files.length, `${files.length - quick} files not read by the quick reader`)
})

test.run()
