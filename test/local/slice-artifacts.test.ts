import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { local } from 'dflow-ts/local'
import artifactSlices from '../../examples/slices/artifact-slices.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: slices stacking output artifacts')
const tmp = tempDir('slice-artifacts')
test.after(tmp.cleanup)

test('E10: two calls, their artifacts stacked into one list artifact in slice order, each slice under its own entry, with a dflow catalog', async () => {
  const run = await local({ runsDir: tmp.path }).run(artifactSlices)
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps({ name: /^hello\(/ }).map((s) => s.id).sort(), ['hello(0)', 'hello(1)'])
  assert.equal(run.step('check').outputs, { n: 2, names: ['f1.txt', 'f2.txt'], texts: ['foo', 'foo'] })
  // What check was given: one folder, entries 0 and 1 (one per slice: merged outputs cannot collide) and the catalog.
  const given = run.step('check').inputs as unknown as { foo: { path: string } }
  const dir = given.foo.path
  assert.equal(readdirSync(dir).filter((f) => !f.startsWith('.')).sort(), ['0', '1'])
  assert.is(readFileSync(join(dir, '1', 'f2.txt'), 'utf8'), 'foo')
  assert.ok(readdirSync(join(dir, '.dflow')).length > 0, 'a dflow catalog')
})

test.run()
