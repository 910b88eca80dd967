import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import type { ArtifactShape } from 'dflow-ts'
import { CATALOG_DIR } from '../storage/catalog.ts'

/** The file inside a shaped artifact's folder that records its structure (relative paths). @example join(dir, STRUCTURE_FILE) // '…/parts/.dflow-paths.json' holding ["a.txt","sub/b.txt"] */
export const STRUCTURE_FILE = '.dflow-paths.json'

type Tree = string | readonly Tree[] | { readonly [k: string]: Tree }

const mapTree = (t: Tree, f: (p: string) => string): Tree =>
  typeof t === 'string' ? f(t) : Array.isArray(t) ? t.map((x) => mapTree(x, f)) : Object.fromEntries(Object.entries(t).map(([k, v]) => [k, mapTree(v as Tree, f)]))


/** Entry names in order: by number when every one is an item index (a fan-in: `0`, `1`, … `10`), else by name. */
const ordered = (names: string[]): string[] =>
  names.every((n) => /^(0|[1-9][0-9]*)$/.test(n)) ? names.sort((a, b) => Number(a) - Number(b)) : names.sort()

/** What a folder holds when it carries no structure file: its entries, sorted (recursively for `nested`), its dflow catalog left out. */
const scan = (dir: string, shape: ArtifactShape): Tree => {
  const names = ordered(readdirSync(dir).filter((n) => n !== STRUCTURE_FILE && n !== CATALOG_DIR))
  if (shape === 'list') return names.map((n) => join(dir, n))
  if (shape === 'record') return Object.fromEntries(names.map((n) => [n, join(dir, n)]))
  return Object.fromEntries(names.map((n) => [n, statSync(join(dir, n)).isDirectory() ? scan(join(dir, n), 'nested') : join(dir, n)]))
}

/**
 * What a function OP's body receives for a staged input artifact of a shape: the path itself, or the list,
 * record or nested record of paths recorded in its structure file (the folder's entries when there is none).
 *
 * @example
 * ```ts
 * readShaped('/w/inputs/artifacts/parts', 'list') // ['/w/inputs/artifacts/parts/a.txt', '/w/…/b.txt']
 * ```
 */
export const readShaped = (path: string, shape: ArtifactShape | undefined): unknown => {
  if (!shape || shape === 'path') return path
  const file = join(path, STRUCTURE_FILE)
  if (!existsSync(file)) return scan(path, shape)
  return mapTree(JSON.parse(readFileSync(file, 'utf8')) as Tree, (p) => join(path, p))
}

/** Whether a returned value has the declared shape. @example shapeMismatch(['a'], 'list') // undefined */
export const shapeMismatch = (v: unknown, shape: ArtifactShape | undefined): string | undefined => {
  const isRecordOf = (x: unknown, ok: (y: unknown) => boolean) => typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every(ok)
  const nested = (x: unknown): boolean => typeof x === 'string' || isRecordOf(x, nested)
  switch (shape ?? 'path') {
    case 'path':
      return typeof v === 'string' ? undefined : 'a path (string)'
    case 'list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'a list of paths'
    case 'record':
      return isRecordOf(v, (x) => typeof x === 'string') ? undefined : 'a record of paths'
    case 'nested':
      return isRecordOf(v, nested) ? undefined : 'a nested record of paths'
  }
}

/**
 * Puts what a function OP returned for an output artifact where the step's output lives: a single path is
 * copied there; a list or (nested) record becomes a folder holding each file at its path relative to the
 * work folder (`ext/N/NAME` for one outside it) plus the structure file.
 *
 * @example
 * ```ts
 * writeShaped(['a.txt', 'sub/b.txt'], '/step/outputs/artifacts/parts', 'list', '/step/workdir')
 * // parts/a.txt, parts/sub/b.txt, parts/.dflow-paths.json = ["a.txt","sub/b.txt"]
 * ```
 */
export const writeShaped = (value: unknown, out: string, shape: ArtifactShape | undefined, workdir: string): void => {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(workdir, p))
  if (!shape || shape === 'path') {
    const src = abs(value as string)
    if (!existsSync(src)) throw new Error(`${value as string} does not exist`)
    if (src !== out) {
      mkdirSync(dirname(out), { recursive: true })
      cpSync(src, out, { recursive: true })
    }
    return
  }
  mkdirSync(out, { recursive: true })
  let ext = 0
  const place = (p: string): string => {
    const src = abs(p)
    if (!existsSync(src)) throw new Error(`${p} does not exist`)
    const rel = relative(workdir, src)
    const at = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : join('ext', String(ext++), basename(src))
    mkdirSync(dirname(join(out, at)), { recursive: true })
    cpSync(src, join(out, at), { recursive: true })
    return at
  }
  const tree = mapTree(value as Tree, place)
  writeFileSync(join(out, STRUCTURE_FILE), JSON.stringify(tree))
}

