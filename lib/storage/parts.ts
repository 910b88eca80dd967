import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { STRUCTURE_FILE } from '../fn/shapes.ts'
import { readCatalog, type CatalogItem } from './catalog.ts'
import type { ArtifactLocation } from './location.ts'
import type { StoreSet } from './store-set.ts'

/**
 * The paths of a list artifact's items in catalog order — what a slice of it is sliced into — or undefined
 * when it has no catalog: dflow's (`.dflow/`, as stacks and dflow write it) or, without one, the structure
 * file of a function OP's `artifactList()` output (`.dflow-paths.json`, a list of paths). Read in place for a location on this machine, else fetched from the store that
 * holds it into a scratch folder. Items that are missing (`null`) are left out; a record's catalog (dotted
 * keys) is refused: it has no order to slice by.
 *
 * @example
 * ```ts
 * await listParts({ store: 'file:///', key: 'tmp/foo', path: '/tmp/foo' }, stores) // ['foo1.txt', 'foo2.txt']
 * ```
 */
export const listParts = async (at: ArtifactLocation, stores: StoreSet, signal?: AbortSignal): Promise<readonly string[] | undefined> => {
  let items
  if (at.path !== undefined) items = await catalogAt(at.path)
  else {
    const scratch = await mkdtemp(join(tmpdir(), 'dflow-parts-'))
    try {
      const [store, here] = stores.holding(at)
      await store.get(here, join(scratch, 'a'), signal ? { signal } : {})
      items = await catalogAt(join(scratch, 'a'))
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }
  if (items === undefined) return undefined
  const keyed = items.find((i) => typeof i.order !== 'number')
  if (keyed) throw new Error(`its catalog is a record's (key "${keyed.order}"), not a list's`)
  return items
    .filter((i): i is { dflow_list_item: string; order: number } => i.dflow_list_item !== null)
    .sort((a, b) => a.order - b.order)
    .map((i) => i.dflow_list_item)
}

/** The catalog of the artifact at `root`: dflow's, else a list's structure file read as one. */
const catalogAt = async (root: string): Promise<CatalogItem[] | undefined> => {
  const dflow = await readCatalog(root)
  if (dflow !== undefined) return dflow
  let text: string
  try {
    text = await readFile(join(root, STRUCTURE_FILE), 'utf8')
  } catch {
    return undefined
  }
  const paths: unknown = JSON.parse(text)
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) throw new Error(`${STRUCTURE_FILE} is not a list of paths`)
  return paths.map((p: string, order) => ({ dflow_list_item: p, order }))
}
