/**
 * Node module hooks (registered by `register.ts`) that let `dflow` load a workflow file wherever it is:
 *
 * - `dflow-ts` and `dflow-ts/*` resolve as Node resolves them from the importing file; when that folder cannot
 *   resolve them (no `node_modules/dflow-ts` on its way up), they resolve to the copy this module belongs to;
 *   when these hooks run from the TypeScript sources (a checkout), dflow-ts resolves with the `source` export
 *   condition, to its sources, as `node --conditions=source` would;
 * - a `.ts` or `.js` file outside `node_modules` that has `import` or `export` statements is an ES module,
 *   even where its package.json says CommonJS or says nothing (Node and tsx would load it as CommonJS, and
 *   its imports of dflow-ts, an ES module, would fail).
 *
 * @example
 * ```ts
 * register(new URL('./hooks.ts', import.meta.url)) // then: await import('/tmp/wf.ts') finds dflow-ts
 * ```
 */
import { readFileSync } from 'node:fs'
import type { ResolveHook } from 'node:module'
import { fileURLToPath } from 'node:url'

const OWN = /^dflow-ts(?:\/|$)/
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const AMBIGUOUS = /\.[jt]sx?$/
const IMPORT_OR_EXPORT = /^[ \t]*(?:import[ \t]*[\w$*{'"]|export[ \t]*[\w$*{])/m
// TypeScript's CommonJS forms: `import x = require('x')` and `export = x`.
const TS_COMMONJS = /^[ \t]*(?:import[ \t]+[\w$]+[ \t]*=[ \t]*require[ \t]*\(|export[ \t]*=)/m

const isModuleSyntax = (url: string): boolean => {
  try {
    const text = readFileSync(fileURLToPath(url), 'utf8')
    return IMPORT_OR_EXPORT.test(text) && !TS_COMMONJS.test(text)
  } catch {
    return false
  }
}

// tsx marks a CommonJS module imported by an ES module with queries of its own (one of them inside the path).
const TSX_QUERY = /(?:%3F|\?)tsx-.*$/s

/** The file URL to load as an ES module, if `url` (as resolved for `format`) is one; else undefined. */
const moduleUrl = (url: string, format: string | null | undefined): string | undefined => {
  if (!(format === 'commonjs' || format === 'commonjs-typescript' || format == null) || !url.startsWith('file:')) return undefined
  const file = url.replace(TSX_QUERY, '')
  return !file.includes('/node_modules/') && AMBIGUOUS.test(new URL(file).pathname) && isModuleSyntax(file) ? file : undefined
}

/**
 * Resolves `dflow-ts` to this copy where the importer's folder has none, and marks ES-module files as such.
 *
 * @example
 * ```ts
 * await resolve('dflow-ts', { parentURL: 'file:///tmp/wf.ts', conditions: ['node', 'import'], importAttributes: {} }, next)
 * // { url: 'file:///…/dflow-ts/dsl/index.ts', format: 'module' }
 * ```
 */
export const resolve: ResolveHook = async (specifier, context, next) => {
  if (OWN.test(specifier)) {
    if (FROM_SOURCE && !context.conditions.includes('source')) context = { ...context, conditions: [...context.conditions, 'source'] }
    try {
      return await next(specifier, context)
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e
      try {
        return await next(specifier, { ...context, parentURL: import.meta.url })
      } catch {
        throw e
      }
    }
  }
  const r = await next(specifier, context)
  const url = moduleUrl(r.url, r.format)
  return url === undefined ? r : { ...r, url, format: 'module' }
}
