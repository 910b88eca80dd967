import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeCatalog, type CatalogItem } from './catalog.ts'
import type { ArtifactLocation } from './location.ts'
import { PRIVATE_DIR } from './modes.ts'

/**
 * Lays out a stacked artifact (the fan-in of a fan-out, or slices) in the new folder `dir`: part `i` — the
 * artifact of item `i` — becomes the entry `dir/i` (the file or folder itself), a hole (a call that did not
 * succeed) is left out, and the catalog `dir/.dflow/catalog` lists the entries in item order, in dflow's
 * format (`{"dflow_list_item": "3", "order": 3}`), so that dflow and a function OP's `artifactList()` read
 * the list of present items in order. `fetch(at, to)` writes one part to `to`.
 *
 * @example
 * ```ts
 * await stageStack([a, undefined, c], '/tmp/s', (at, to) => store.get(at, to)) // /tmp/s/0, /tmp/s/2, /tmp/s/.dflow/catalog
 * ```
 */
export const stageStack = async (
  parts: readonly (ArtifactLocation | string | undefined)[],
  dir: string,
  fetch: (at: ArtifactLocation | string, to: string) => Promise<unknown>,
): Promise<void> => {
  await mkdir(dir, { mode: PRIVATE_DIR })
  const items: CatalogItem[] = []
  for (const [i, at] of parts.entries()) {
    if (at === undefined) continue
    await fetch(at, join(dir, String(i)))
    items.push({ dflow_list_item: String(i), order: i })
  }
  await writeCatalog(dir, items)
}
