import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A fresh temporary folder, removed by the returned `cleanup` (call it in `test.after`).
 *
 * @example
 * ```ts
 * const tmp = tempDir('local')
 * test.after(tmp.cleanup)
 * local({ runsDir: tmp.path })
 * ```
 */
export const tempDir = (label: string) => {
  const path = mkdtempSync(join(tmpdir(), `dflow-test-${label}-`))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}
