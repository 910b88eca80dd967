import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { toYaml, type CompileOptions } from 'dflow-ts/argo'
import { compileChecked } from './support/checked.ts'
import { repoRoot } from './support/shared.ts'

/**
 * Every example file (examples/**\/NAME.ts) default-exports a workflow whose compiled manifest is committed
 * beside it as NAME.argo.yaml (compiled with the options it exports as `argoOptions`, if any).
 * `UPDATE_GOLDEN=1 npm test` rewrites the goldens; nothing else does.
 */
const update = process.env['UPDATE_GOLDEN'] === '1'
const examples = join(repoRoot, 'examples')
const walk = (d: string): string[] =>
  readdirSync(d)
    .sort()
    .flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') && !f.endsWith('.d.ts') ? [join(d, f)] : []))

const files = walk(examples)

test('there are examples to check', () => {
  assert.ok(files.length > 0)
})

for (const file of files) {
  const name = relative(repoRoot, file)
  test(`${name} compiles to a valid manifest equal to its golden`, async () => {
    const mod = (await import(pathToFileURL(file).href)) as { default?: Workflow; argoOptions?: CompileOptions }
    const wf = mod.default
    assert.ok(wf && wf._tag === 'Workflow', `${name} must default-export a workflow`)
    // An example that needs compile options (a workflow artifact's REF, a repository) exports them as argoOptions.
    const text = toYaml(compileChecked(wf, mod.argoOptions ?? {}))
    const golden = file.replace(/\.ts$/, '.argo.yaml')
    if (update) writeFileSync(golden, text)
    assert.ok(existsSync(golden), `${relative(repoRoot, golden)} is missing: run UPDATE_GOLDEN=1 npm test`)
    assert.fixture(text, readFileSync(golden, 'utf8'), `${relative(repoRoot, golden)} differs (UPDATE_GOLDEN=1 npm test rewrites it)`)
  })
}

test.run()
