// `dflow run` and `dflow compile` load a workflow file wherever it is: a folder with no package.json, one whose
// package.json says CommonJS, a folder that cannot resolve dflow-ts (it resolves to the CLI's own copy).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dflowIn } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('cli: a workflow file in any folder')
const tmp = tempDir('load')
test.after(tmp.cleanup)
const dflow = dflowIn

/** A folder under the temporary one holding `files` (a package.json only if given). */
const folder = (name: string, files: Readonly<Record<string, string>>) => {
  const dir = join(tmp.path, name)
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), text)
  }
  return dir
}

const SHELL_WF = (name: string) => `import { param, shell, sh, step, t, workflow } from 'dflow-ts'
const greet = shell({ name: 'greet', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: () => sh\`echo 41 > n.txt\` })
export default workflow('${name}', step('hello', greet))
`

const CASES: readonly [string, Readonly<Record<string, string>>, string][] = [
  ['a .ts file in a folder with no package.json', { 'wf.ts': SHELL_WF('plain-ts') }, 'wf.ts'],
  ['a .ts file in a CommonJS package', { 'package.json': '{ "name": "cjs", "type": "commonjs" }', 'wf.ts': SHELL_WF('cjs-ts') }, 'wf.ts'],
  ['a .ts file in a package with no "type"', { 'package.json': '{ "name": "untyped" }', 'wf.ts': SHELL_WF('untyped-ts') }, 'wf.ts'],
  ['a .mts file', { 'wf.mts': SHELL_WF('plain-mts') }, 'wf.mts'],
  ['a .js file in a folder with no package.json', { 'wf.js': SHELL_WF('plain-js') }, 'wf.js'],
  ['a .js file in a CommonJS package', { 'package.json': '{ "type": "commonjs" }', 'wf.js': SHELL_WF('cjs-js') }, 'wf.js'],
  ['a .mjs file', { 'wf.mjs': SHELL_WF('plain-mjs') }, 'wf.mjs'],
]

for (const [what, files, entry] of CASES) {
  test(`dflow run and compile: ${what}`, () => {
    const dir = folder(`case-${CASES.findIndex((c) => c[0] === what)}`, files)
    const r = dflow(dir, 'run', entry, '--runs-dir', join(dir, 'runs'))
    assert.is(r.code, 0, r.out + r.err)
    assert.match(r.out, /hello +Succeeded .* n=41/)
    const c = dflow(dir, 'compile', entry)
    assert.is(c.code, 0, c.err)
    assert.match(c.out, /kind: Workflow/)
  })
}

test('a workflow in a CommonJS package that imports a helper module of its own (which imports dflow-ts/local)', () => {
  const dir = folder('helper', {
    'package.json': '{ "type": "commonjs" }',
    'ops.ts': `import { shell, sh } from 'dflow-ts'\nimport { local } from 'dflow-ts/local'\nexport const hasLocal = typeof local\nexport const greet = shell({ name: 'greet', script: () => sh\`echo hi\` })\n`,
    'wf.ts': `import { step, workflow } from 'dflow-ts'\nimport { greet, hasLocal } from './ops.ts'\nexport default workflow(hasLocal === 'function' ? 'with-helper' : 'no-local', step('hello', greet))\n`,
  })
  const r = dflow(dir, 'run', 'wf.ts', '--runs-dir', join(dir, 'runs'))
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /with-helper Succeeded/)
})

test('a function OP defined in a folder that cannot resolve dflow-ts runs in its worker', () => {
  const dir = folder('fn', {
    'wf.ts': `import { fn, param, step, t, workflow } from 'dflow-ts'
export const double = fn({ name: 'double', module: import.meta.url, inputs: { n: param(t.number) }, outputs: { n: param(t.number) } }, ({ n }) => ({ n: n * 2 }))
export default workflow('fn-anywhere', step('twice', double, { n: 21 }))
`,
  })
  const r = dflow(dir, 'run', 'wf.ts', '--runs-dir', join(dir, 'runs'))
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /twice +Succeeded .* n=42/)
})

test("a folder that resolves dflow-ts itself uses its own copy", () => {
  const real = resolve('dsl/index.ts')
  const dir = folder('own', {
    'node_modules/dflow-ts/package.json': '{ "name": "dflow-ts", "type": "module", "exports": { ".": "./index.mjs" } }',
    'node_modules/dflow-ts/index.mjs': `export * from ${JSON.stringify(real)}\nexport const copy = 'own'\n`,
    'wf.ts': `import * as d from 'dflow-ts'\nconst greet = d.shell({ name: 'greet', script: () => d.sh\`echo hi\` })\nexport default d.workflow((d as { copy?: string }).copy === 'own' ? 'own-copy' : 'cli-copy', d.step('hello', greet))\n`,
  })
  const r = dflow(dir, 'run', 'wf.ts', '--runs-dir', join(dir, 'runs'))
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /own-copy Succeeded/)
})

test('a .js file written in CommonJS (require, module.exports, __filename) is still loaded as CommonJS', () => {
  const dir = folder('cjs-body', {
    'wf.js': `const { shell, sh, step, workflow } = require(${JSON.stringify(resolve('dsl/index.ts'))})\nmodule.exports = workflow('js-cjs-body', step('hello', shell({ name: 'greet', script: () => sh\`echo \${__filename}\` })))\n`,
  })
  const r = dflow(dir, 'compile', 'wf.js')
  assert.is(r.code, 0, r.err)
  assert.match(r.out, /generateName: js-cjs-body-/)
})

test.run()
