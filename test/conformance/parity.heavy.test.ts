import { suite } from 'uvu'
import { exampleFiles, exampleName } from '../helpers/examples.ts'
import { tempDir } from '../helpers/tmp.ts'
import { FAST, NOT_BOTH_WAYS, sharedFolder } from './parity.ts'
import { checkExample } from './parity-examples.ts'

// The parity suite over every example of the project: (a) run by the local interpreter, (b) compiled to Argo,
// imported back (lib/argo/import) and run by the importer on the engine. Steps are matched by the names the
// DSL wrote (parity-paths.ts maps the levels the compiler generates); each has the same phase, the same decoded
// outputs, the same artifact contents and the same number of attempts. parity.test.ts runs a fast subset in
// `npm test`; README.md ("Interpreters and parity") gives the count.
const test = suite('conformance: every example, run locally = compiled to Argo, imported and run')
const tmp = tempDir('parity')
const shared = sharedFolder()
test.after(() => (tmp.cleanup(), shared.cleanup()))

const files = exampleFiles()
for (const file of files) {
  const name = exampleName(file)
  if (FAST.includes(name)) continue // parity.test.ts
  const listed = NOT_BOTH_WAYS[name]
  test(listed ? `${name} cannot run both ways: ${listed.reason}` : `${name}: the same outcome both ways`, () => checkExample(file, { runsDir: tmp.path, shared: shared.path }))
}

test('NOT_BOTH_WAYS and FAST name only examples that exist', () => {
  const names = new Set(files.map(exampleName))
  for (const n of [...Object.keys(NOT_BOTH_WAYS), ...FAST]) if (!names.has(n)) throw new Error(`parity.ts lists ${n}, which is no example`)
  console.log(`parity: ${files.length - Object.keys(NOT_BOTH_WAYS).length} of ${files.length} examples run both ways with the same outcome`)
})

test.run()
