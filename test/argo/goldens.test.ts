import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { toYaml } from 'dflow-ts/argo'
import { compileChecked } from './support/checked.ts'
import { repoRoot } from './support/shared.ts'
import { exampleFiles, loadExample } from '../helpers/examples.ts'

/**
 * Every example file (examples/**\/NAME.ts) default-exports a workflow whose compiled manifest is committed
 * beside it as NAME.argo.yaml. `UPDATE_GOLDEN=1 npm test` rewrites the goldens; nothing else does.
 */
const update = process.env['UPDATE_GOLDEN'] === '1'
const files = exampleFiles()

test('there are examples to check', () => {
  assert.ok(files.length > 0)
})

for (const file of files) {
  const name = relative(repoRoot, file)
  test(`${name} compiles to a valid manifest equal to its golden`, async () => {
    const wf = await loadExample(file)
    const text = toYaml(compileChecked(wf))
    const golden = file.replace(/\.ts$/, '.argo.yaml')
    if (update) writeFileSync(golden, text)
    assert.ok(existsSync(golden), `${relative(repoRoot, golden)} is missing: run UPDATE_GOLDEN=1 npm test`)
    assert.fixture(text, readFileSync(golden, 'utf8'), `${relative(repoRoot, golden)} differs (UPDATE_GOLDEN=1 npm test rewrites it)`)
  })
}

test.run()
