import { buildSync, type BuildOptions, type Message } from 'esbuild'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FnTemplate } from 'dflow-ts'
import type { PodPlan } from './argo-main.ts'
import { packageFile } from '../loader/package-files.ts'

/**
 * Turns a function OP into the source of a `node` script: the OP's module and everything it imports
 * (local files and packages; Node's built-ins excluded) bundled with the pod runtime. Given as a compile
 * option; the default is {@link esbuildBundler}.
 *
 * @example
 * ```ts
 * compile(wf, { bundler: (t, plan) => `require('/opt/ops.js').run(${JSON.stringify(t.name)}, ${JSON.stringify(plan)})` })
 * ```
 */
export type Bundler = (t: FnTemplate, plan: PodPlan) => string

// Bundled from the sources (which the package ships), so a bundle is the same from a checkout and from the build.
const MAIN = packageFile('lib/fn/argo-main.ts')
const cache = new Map<string, string>()

/** The folder of the package this file belongs to (the nearest package.json named dflow-ts above it). */
const packageRoot = (from: string): { readonly dir: string; readonly exports: Readonly<Record<string, unknown>> } => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; exports?: Record<string, unknown> }
      if (pkg.name === 'dflow-ts') return { dir, exports: pkg.exports ?? {} }
    } catch {
      /* no package.json here */
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of dflow-ts above ${from}`)
  }
}

/** The TypeScript source an `exports` entry gives (its `source` condition), if any. */
const sourceOf = (entry: unknown): string | undefined =>
  typeof entry === 'object' && entry !== null && typeof (entry as { source?: unknown }).source === 'string' ? (entry as { source: string }).source : undefined

/**
 * `dflow-ts` and each of its subpaths (`dflow-ts/local`, `dflow-ts/argo`, …: every key of the package's
 * `exports`) resolved to this copy's sources (the `source` condition; the package ships them, so a bundle is
 * the same from a checkout and from the build): an OP's module bundles against the dflow-ts
 * that compiles it, wherever the module is and whether or not its folder can resolve the package. And fp-ts's
 * CommonJS Either, which the DSL imports, as its ES build, which shakes down to a few hundred bytes.
 *
 * @example
 * ```ts
 * selfAliases()['dflow-ts/local'] // '/…/dflow-ts/lib/local/index.ts'
 * ```
 */
const selfAliases = (): Readonly<Record<string, string>> => {
  const { dir, exports } = packageRoot(fileURLToPath(import.meta.url))
  const self = Object.entries(exports).flatMap(([k, entry]) => {
    const source = sourceOf(entry)
    return source !== undefined && (k === '.' || (k.startsWith('./') && !k.includes('*'))) ? [[`dflow-ts${k.slice(1)}`, join(dir, source)] as const] : []
  })
  return { ...Object.fromEntries(self), 'fp-ts/lib/Either.js': fileURLToPath(import.meta.resolve('fp-ts/es6/Either.js')) }
}
// Resolved at the first bundle, not at import: this file may itself be bundled into a pod (by a module that
// imports dflow-ts/argo), where import.meta.resolve does not exist.
let aliases: Readonly<Record<string, string>> | undefined

/** esbuild's messages, one a line: `file:line:col: text` (columns from 1, as editors count), and their notes. @example esbuildMessages(e.errors) */
const esbuildMessages = (messages: readonly Message[]): string =>
  messages
    .map((m) => {
      const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''
      return `${at}${m.text}${m.notes.map((n) => `\n  ${n.text}`).join('')}`
    })
    .join('\n')

/** esbuild's settings for a pod's bundle of `contents` (see {@link esbuildBundler}). */
const buildOptions = (contents: string): BuildOptions & { readonly write: false } => ({
  stdin: { contents, resolveDir: '/', sourcefile: 'dflow-op.js', loader: 'js' },
  bundle: true,
  write: false,
  platform: 'node',
  // ES module builds of io-ts and fp-ts, which tree-shaking can trim.
  mainFields: ['module', 'main'],
  format: 'cjs',
  target: 'node20',
  // Whitespace and syntax only: identifiers keep their names, so a golden changes only when bundled code does
  // (minified names shift with character frequencies, even of comments).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'utf8',
  alias: (aliases ??= selfAliases()),
  define: { 'import.meta.url': '"file:///dflow/op.js"' },
  logLevel: 'silent',
})

/**
 * The default {@link Bundler}: esbuild, whitespace-minified, CommonJS for Node 20, with `import.meta.url` fixed to a
 * constant and no comments, so the output holds no absolute path or time and a golden manifest is stable.
 * It reads the OP's source files (the one part of compiling that touches the disk); results are cached
 * per module, name and plan. If the bundle contained `{{` (which Argo would take for a tag), it is shipped
 * base64-encoded instead. The module may import `dflow-ts` and its subpaths (`dflow-ts/local`, …), resolved to
 * this copy of the package. When esbuild fails, the error holds its messages (`file:line:col: text`).
 *
 * @example
 * ```ts
 * esbuildBundler(duplicate, plan) // '"use strict";var …;podMain(m,"duplicate",{…});'
 * ```
 */
export const esbuildBundler: Bundler = (t, plan) => {
  const key = `${t.module}#${t.name}#${JSON.stringify(plan)}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const file = fileURLToPath(t.module)
  const contents = `import * as m from ${JSON.stringify(file)}\nimport { podMain } from ${JSON.stringify(MAIN)}\npodMain(m, ${JSON.stringify(t.name)}, ${JSON.stringify(plan)})\n`
  let text: string
  try {
    text = buildSync(buildOptions(contents)).outputFiles[0]!.text
  } catch (e) {
    const errors = (e as { errors?: readonly Message[] }).errors
    throw errors?.length ? new Error(`esbuild could not bundle it:\n${esbuildMessages(errors)}`) : e
  }
  if (text.includes('{{')) text = `eval(Buffer.from(${JSON.stringify(Buffer.from(text).toString('base64'))},"base64").toString())\n`
  cache.set(key, text)
  return text
}
