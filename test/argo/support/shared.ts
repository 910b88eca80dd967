import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root folder. */
export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

/**
 * The `shared/` folder beside the repository's parent (Argo's examples and reference), or `undefined`
 * when it is absent (a fresh clone): the caller then skips, and this prints a visible notice. With
 * `DFLOW_REQUIRE_SHARED=1` (CI) an absent folder is an error instead: the path is returned all the same, so
 * the tests that need it run and fail (reading a file that is not there), each counted by the runner.
 *
 * @example
 * ```ts
 * const shared = sharedDir('upstream examples')
 * if (shared) test('…', () => …)
 * ```
 */
export const sharedDir = (what: string): string | undefined => {
  const dir = resolve(repoRoot, '..', 'shared')
  if (existsSync(resolve(dir, 'argo', 'examples'))) return dir
  if (process.env['DFLOW_REQUIRE_SHARED'] === '1') {
    process.stdout.write(`ERROR: ${dir} is required (DFLOW_REQUIRE_SHARED=1) for ${what} but is absent\n`)
    return dir
  }
  process.stdout.write(`NOTICE: skipping ${what}: ${dir} is absent (set DFLOW_REQUIRE_SHARED=1 to make this an error)\n`)
  return undefined
}
