import { buildSync } from 'esbuild'
import { fileURLToPath } from 'node:url'
import type { FnTemplate } from 'dflow-ts'
import type { PodPlan } from '../fn/argo-main.ts'
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
const DSL = packageFile('dsl/index.ts')
const FP_EITHER = fileURLToPath(import.meta.resolve('fp-ts/es6/Either.js'))
const cache = new Map<string, string>()

/**
 * The default {@link Bundler}: esbuild, whitespace-minified, CommonJS for Node 20, with `import.meta.url` fixed to a
 * constant and no comments, so the output holds no absolute path or time and a golden manifest is stable.
 * It reads the OP's source files (the one part of compiling that touches the disk); results are cached
 * per module, name and plan. If the bundle contained `{{` (which Argo would take for a tag), it is shipped
 * base64-encoded instead.
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
  const r = buildSync({
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
    // The DSL imports fp-ts's CommonJS Either; its ES build shakes down to a few hundred bytes.
    alias: { 'dflow-ts': DSL, 'fp-ts/lib/Either.js': FP_EITHER },
    define: { 'import.meta.url': '"file:///dflow/op.js"' },
    logLevel: 'silent',
  })
  let text = r.outputFiles[0]!.text
  if (text.includes('{{')) text = `eval(Buffer.from(${JSON.stringify(Buffer.from(text).toString('base64'))},"base64").toString())\n`
  cache.set(key, text)
  return text
}
