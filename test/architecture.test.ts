import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

/**
 * The cut DESIGN.md draws, kept honest: `dsl/` is pure data (it imports only io-ts, fp-ts and itself: no
 * `lib/`, no I/O package), the engine (lib/engine) starts no process and touches no file itself, and the
 * interpreters (local, dispatcher, Argo) never import each other.
 */
const test = suite('architecture: what may import what')
const root = resolve('.')

const tsFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? tsFiles(p) : /\.[cm]?ts$/.test(f) ? [p] : []
  })

/** Every module a file names: `import … from`, `export … from`, `import(…)`, `import x = require(…)`, type-only ones included. */
const importsOf = (file: string): readonly string[] =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName)

/** Where an import leads: a path under the repository for a relative or self-referencing one, else the package name. */
const target = (file: string, spec: string): { readonly path?: string; readonly pkg?: string } => {
  if (spec.startsWith('.') || spec.startsWith('/')) return { path: relative(root, resolve(dirname(file), spec)) }
  if (spec === 'dflow-ts') return { path: 'dsl/index.ts' }
  if (spec.startsWith('dflow-ts/')) return { path: `lib/${spec.slice('dflow-ts/'.length)}/index.ts` }
  const parts = spec.split('/')
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! }
}

const violations = (dir: string, allowed: (t: { path?: string; pkg?: string }) => boolean): string[] =>
  tsFiles(join(root, dir)).flatMap((f) => importsOf(f).filter((s) => !allowed(target(f, s))).map((s) => `${relative(root, f)} imports ${s}`))

const inside = (path: string | undefined, dir: string) => path !== undefined && (path === dir || path.startsWith(`${dir}/`))

test('the import reader sees every form of import and re-export', () => {
  const file = join(root, 'dsl', 'probe.ts')
  const src = `import a from 'p1'\nimport type { B } from "p2"\nexport { c } from 'p3'\nexport * from './p4.ts'\nconst d = await import('p5')\nimport 'p6'\n`
  assert.equal(ts.preProcessFile(src, true, true).importedFiles.map((f) => f.fileName), ['p1', 'p2', 'p3', './p4.ts', 'p5', 'p6'])
  assert.equal(target(file, '../lib/local/index.ts'), { path: 'lib/local/index.ts' })
  assert.equal(target(file, 'node:fs'), { pkg: 'node:fs' })
  assert.equal(target(file, '@kubernetes/client-node/dist'), { pkg: '@kubernetes/client-node' })
})

test('dsl/ imports only io-ts, fp-ts and dsl/ itself (no lib/, no node:*, execa, esbuild, yaml, ajv or SDK)', () => {
  const files = tsFiles(join(root, 'dsl'))
  assert.ok(files.length > 20, 'dsl/ is read')
  assert.equal(
    violations('dsl', (t) => inside(t.path, 'dsl') || t.pkg === 'io-ts' || t.pkg === 'fp-ts'),
    [],
  )
})

test('lib/local, lib/dispatcher and lib/argo never import each other', () => {
  const interpreters = ['lib/local', 'lib/dispatcher', 'lib/argo']
  for (const dir of interpreters) assert.equal(violations(dir, (t) => !interpreters.some((d) => d !== dir && inside(t.path, d))), [], dir)
})

test('lib/engine starts no process and touches no file: no child_process, execa, fs, SDK, nor an interpreter', () => {
  const files = tsFiles(join(root, 'lib/engine'))
  assert.ok(files.length > 10, 'lib/engine is read')
  const banned = new Set(['execa', 'node:child_process', 'child_process', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'ssh2', 'tar', 'esbuild'])
  const sdk = (pkg: string) => pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg === '@kubernetes/client-node'
  assert.equal(
    violations('lib/engine', (t) => !(t.pkg !== undefined && (banned.has(t.pkg) || sdk(t.pkg))) && !['lib/local', 'lib/dispatcher', 'lib/argo', 'lib/cli', 'lib/fn'].some((d) => inside(t.path, d))),
    [],
  )
})

test('lib/run imports no interpreter nor the engine', () => {
  for (const dir of ['lib/run'])
    assert.equal(violations(dir, (t) => !['lib/local', 'lib/dispatcher', 'lib/argo', 'lib/cli', 'lib/engine'].some((d) => inside(t.path, d))), [], dir)
})

test('lib/dispatcher imports no other interpreter; only local-exec.ts of its batch systems runs anything', () => {
  assert.equal(violations('lib/dispatcher', (t) => !['lib/local', 'lib/argo', 'lib/cli'].some((d) => inside(t.path, d))), [])
  const io = new Set(['execa', 'node:child_process', 'child_process', 'node:fs', 'fs', 'node:fs/promises', 'ssh2'])
  assert.equal(violations('lib/dispatcher/batch', (t) => !io.has(t.pkg ?? '')), ['lib/dispatcher/batch/local-exec.ts imports execa'])
})

test.run()
