/**
 * This package's own files that code reads or starts at run time (the launcher, Argo's schemas, the worker
 * entry, the sources the Argo bundler reads), found whether the code runs from its TypeScript sources (a
 * checkout) or from its build in `dist/` (an installed package). Paths are given from the package root, as
 * the sources lie; the package ships the sources, so a data file or a source is at the same place either way.
 *
 * @example
 * ```ts
 * packageFile('lib/local/launcher.py')       // '/…/dflow-ts/lib/local/launcher.py'
 * packageModule('lib/local/fn-worker.ts')    // '/…/dflow-ts/lib/local/fn-worker.ts', or '/…/dflow-ts/dist/lib/local/fn-worker.js' when built
 * ```
 */
import { fileURLToPath } from 'node:url'

const built = import.meta.url.endsWith('.js')
const root = new URL(built ? '../../../' : '../../', import.meta.url)

/** A file of the package by its path from the root, such as a data file or a source. @example packageFile('lib/argo/schema/schema-v4.1.2.json') */
export const packageFile = (path: string): string => fileURLToPath(new URL(path, root))

/**
 * A module of the package, by the path of its source from the root: the source itself, or its build when this
 * code runs built.
 *
 * @example
 * ```ts
 * spawn(process.execPath, [packageModule('lib/local/fn-worker.ts')])
 * ```
 */
export const packageModule = (path: string): string => packageFile(built ? `dist/${path.replace(/\.ts$/, '.js')}` : path)
