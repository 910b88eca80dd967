/**
 * Catalogs in dflow's own format: how a list, record or nested record of paths travels as one folder.
 *
 * A catalog is the folder `.dflow/` at the artifact's root holding one or more files, each the JSON
 * `{"path_list": [{"dflow_list_item": "rel/path", "order": 0}, …]}` (what Python dflow's `upload_artifact`
 * and its OPs write with jsonpickle: Python's `json.dumps` spacing, non-ASCII escaped). `order` is the item's
 * index for a list, a dotted key (`"a.b"`, `"a.0"`) for a record or a nested one; `dflow_list_item` is the
 * item's path under the root, or `null` for an item that is missing. Every file of the folder counts (the
 * slices of a fan-out each drop their own): they are read as one catalog, an item repeated once, a `null`
 * item filled by a non-null one of the same order. dflow names its files by uuid4; dflow-ts names them
 * deterministically (`catalog`), which dflow reads the same.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIR, PRIVATE_FILE } from './modes.ts'

/** The catalog folder's name at an artifact's root (dflow's `config["catalog_dir_name"]`). @example join(root, CATALOG_DIR) */
export const CATALOG_DIR = '.dflow'

/** The file name dflow-ts gives the catalog it writes (dflow gives a uuid4; any name is read). @example join(root, CATALOG_DIR, CATALOG_FILE) */
export const CATALOG_FILE = 'catalog'

/** One item of a catalog: a path under the artifact's root and its place. @example { dflow_list_item: 'f1.txt', order: 0 } */
export interface CatalogItem {
  /** The item's path under the artifact's root (`/`-separated), or null for a missing item. */
  readonly dflow_list_item: string | null
  /** Its index in a list, or its dotted key in a (nested) record. */
  readonly order: number | string
}

/** A path object: one path, a list of them, or a (nested) record of them. @example ['a.txt', 'b.txt'] */
export type PathTree = string | null | readonly PathTree[] | { readonly [key: string]: PathTree }

/** Python's `json.dumps` of a string (ensure_ascii: everything outside space..~ escaped). */
const pyString = (s: string): string =>
  JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * The text of a catalog file, byte for byte as dflow writes it (`jsonpickle.dumps({"path_list": items})`).
 *
 * @example
 * ```ts
 * catalogText([{ dflow_list_item: 'f1.txt', order: 0 }])
 * // '{"path_list": [{"dflow_list_item": "f1.txt", "order": 0}]}'
 * ```
 */
export const catalogText = (items: readonly CatalogItem[]): string =>
  `{"path_list": [${items
    .map((i) => `{"dflow_list_item": ${i.dflow_list_item === null ? 'null' : pyString(i.dflow_list_item)}, "order": ${typeof i.order === 'number' ? String(i.order) : pyString(i.order)}}`)
    .join(', ')}]}`

/**
 * Adds `item` to `items` as dflow unions catalogs: an equal item is not repeated; for an order already
 * there, a non-null item fills a null one and a null item adds nothing.
 *
 * @example mergeItem([{ dflow_list_item: null, order: 0 }], { dflow_list_item: 'a', order: 0 }) // [{ dflow_list_item: 'a', order: 0 }]
 */
export const mergeItem = (items: readonly CatalogItem[], item: CatalogItem): CatalogItem[] => {
  const same = items.findIndex((c) => c.order === item.order && (c.dflow_list_item === item.dflow_list_item || c.dflow_list_item === null || item.dflow_list_item === null))
  if (same < 0) return [...items, item]
  const c = items[same] as CatalogItem
  return c.dflow_list_item === null && item.dflow_list_item !== null ? items.map((x, i) => (i === same ? item : x)) : [...items]
}

const isItem = (x: unknown): x is CatalogItem => {
  const o = x as Record<string, unknown>
  return typeof o === 'object' && o !== null && (typeof o['dflow_list_item'] === 'string' || o['dflow_list_item'] === null) && (typeof o['order'] === 'number' || typeof o['order'] === 'string')
}

/**
 * Parses one catalog file's text, or throws naming what is wrong with it.
 *
 * @example parseCatalog('{"path_list": [{"dflow_list_item": "a", "order": 0}]}') // [{ dflow_list_item: 'a', order: 0 }]
 */
export const parseCatalog = (text: string, where = 'catalog'): CatalogItem[] => {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`)
  }
  const list = (v as { path_list?: unknown })?.path_list
  if (!Array.isArray(list) || !list.every(isItem)) throw new Error(`${where}: not a dflow catalog (expected {"path_list": [{"dflow_list_item": PATH, "order": N}, …]})`)
  return list.map((i) => ({ dflow_list_item: i.dflow_list_item, order: i.order }))
}

/**
 * Reads the catalog of the artifact folder `root`: every file of `root/.dflow/`, in name order, as one
 * catalog; `undefined` when there is no catalog folder (or `root` is a file).
 *
 * @example await readCatalog('/tmp/in/foo') // [{ dflow_list_item: 'f1.txt', order: 0 }, { dflow_list_item: 'f2.txt', order: 1 }]
 */
export const readCatalog = async (root: string): Promise<CatalogItem[] | undefined> => {
  const dir = join(root, CATALOG_DIR)
  let names: string[]
  try {
    names = (await readdir(dir)).sort()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw e
  }
  let items: CatalogItem[] = []
  for (const n of names) for (const item of parseCatalog(await readFile(join(dir, n), 'utf8'), join(dir, n))) items = mergeItem(items, item)
  return items
}

/**
 * Writes `items` as the catalog file `root/.dflow/catalog` (private modes, as everything a store writes).
 *
 * @example await writeCatalog(staging, [{ dflow_list_item: 'a.txt', order: 0 }])
 */
export const writeCatalog = async (root: string, items: readonly CatalogItem[]): Promise<void> => {
  await mkdir(join(root, CATALOG_DIR), { recursive: true, mode: PRIVATE_DIR })
  await writeFile(join(root, CATALOG_DIR, CATALOG_FILE), catalogText(items), { mode: PRIVATE_FILE })
}

/**
 * The items of a path object, as dflow numbers them: one path is item 0; a flat list (or set) of paths is
 * numbered by index; a record, or a list holding lists or records, is flattened to dotted keys
 * (`{a: {b: 'x'}}` → order `"a.b"`, `[['x']]` → order `"0.0"`).
 *
 * @example
 * ```ts
 * catalogOrders(['a.txt', 'b.txt'])       // [[0, 'a.txt'], [1, 'b.txt']]
 * catalogOrders({ x: 'a.txt', y: ['b'] }) // [['x', 'a.txt'], ['y.0', 'b']]
 * ```
 */
export const catalogOrders = (tree: PathTree): [number | string, string | null][] => {
  if (tree === null || typeof tree === 'string') return [[0, tree]]
  const nested = !Array.isArray(tree) || (tree as readonly PathTree[]).some((x) => x !== null && typeof x === 'object')
  if (!nested) return (tree as readonly (string | null)[]).map((p, i) => [i, p])
  const out: [string, string | null][] = []
  const walk = (t: PathTree, prefix: string) => {
    const entries: [string, PathTree][] = Array.isArray(t) ? (t as readonly PathTree[]).map((v, i) => [String(i), v]) : Object.entries(t as Record<string, PathTree>)
    for (const [k, v] of entries) {
      const key = prefix ? `${prefix}.${k}` : k
      if (v !== null && typeof v === 'object') walk(v, key)
      else out.push([key, v])
    }
  }
  walk(tree, '')
  return out
}

/** A record whose keys are exactly 0..n-1 (after nested conversion) becomes a list, as dflow's `dict2list`. */
const toLists = (t: PathTree): PathTree => {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return t
  const entries = Object.entries(t as Record<string, PathTree>).map(([k, v]) => [k, toLists(v)] as const)
  if (entries.length === 0 || !entries.every(([k]) => /^(0|[1-9][0-9]*)$/.test(k))) return Object.fromEntries(entries)
  const list: PathTree[] = []
  for (const [k, v] of entries) {
    const i = Number(k)
    while (list.length < i) list.push(null)
    list[i] = v
  }
  return list
}

/**
 * The path object a catalog describes, as dflow assembles it: when every order is a number, the list of
 * items sorted by order (missing ones `null`); otherwise the record rebuilt from the dotted keys (a level
 * whose keys are 0, 1, … is a list). Each path is joined to `root` when given.
 *
 * @example
 * ```ts
 * assemble([{ dflow_list_item: 'b', order: 1 }, { dflow_list_item: 'a', order: 0 }], '/in') // ['/in/a', '/in/b']
 * assemble([{ dflow_list_item: 'x', order: 'k.0' }])                                       // { k: ['x'] }
 * ```
 */
export const assemble = (items: readonly CatalogItem[], root?: string): PathTree => {
  const at = (p: string | null) => (p === null || root === undefined ? p : join(root, p))
  if (items.every((i) => typeof i.order === 'number')) return [...items].sort((a, b) => (a.order as number) - (b.order as number)).map((i) => at(i.dflow_list_item))
  const tree: Record<string, PathTree> = {}
  for (const i of items) {
    const keys = String(i.order).split('.')
    let node = tree
    for (const k of keys.slice(0, -1)) {
      const next = node[k]
      node = (next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (node[k] = {})) as Record<string, PathTree>
    }
    node[keys[keys.length - 1] as string] = at(i.dflow_list_item)
  }
  return toLists(tree)
}
