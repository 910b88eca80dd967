import { join } from 'node:path'
import type { RunLayout } from '../run/layout.ts'

/**
 * Where a path declared by a template lives for a local step: inside the step's work folder, with a
 * leading "/" dropped (`/tmp/out.txt` → `<workdir>/tmp/out.txt`, `bar.txt` → `<workdir>/bar.txt`), so
 * that steps never share files by accident. Undeclared paths get a place in the step's folder.
 *
 * @example
 * ```ts
 * localPath(layout, 'hello1', 'outputs', 'parameters', 'msg', 'result.txt') // '…/steps/hello1/workdir/result.txt'
 * localPath(layout, 'hello1', 'outputs', 'parameters', 'msg', undefined)    // '…/steps/hello1/outputs/parameters/msg'
 * ```
 */
export const localPath = (
  layout: RunLayout,
  id: string,
  side: 'inputs' | 'outputs',
  kind: 'parameters' | 'artifacts',
  name: string,
  declared: string | undefined,
): string => (declared === undefined ? layout.io(id, side, kind, name) : join(layout.workdir(id), declared.replace(/^\/+/, '')))
