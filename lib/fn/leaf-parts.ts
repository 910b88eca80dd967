import { buildSync, type Metafile } from 'esbuild'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FnTemplate, LeafTemplate } from 'dflow-ts'
import type { TemplateParts } from '../run/template-digest.ts'
import { treeDigest, type TreeEntry } from '../storage/digest.ts'

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/** The version of the package `name` as it is installed where `from` would find it (walking up the `node_modules` folders). */
const installedVersion = (name: string, from: string): string => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    for (const pkg of [join(dir, 'node_modules', name, 'package.json'), join(dir, 'package.json')]) {
      try {
        const p = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string }
        if (p.name === name) return p.version ?? '?'
      } catch {
        /* not here */
      }
    }
    if (dirname(dir) === dir) return '?'
  }
}

/** A bare import's package name (`@scope/name`, `name`; a subpath left out). */
const packageName = (spec: string): string => {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/**
 * The digest of a function OP's bundle, `sha256:<hex>`, from what the bundle is made of: every source file
 * esbuild takes from its module (the module and what it imports, followed as esbuild resolves them), each by
 * its content, and each package they import by name and installed version — so an edit of a helper the module
 * imports changes it, and so does an upgrade of a package. Packages are not bundled for it (a bundle with
 * io-ts and fp-ts takes esbuild some 200 ms; this a few). A module esbuild cannot read counts by its URL.
 *
 * @example
 * ```ts
 * fnBundleDigest(duplicate) // 'sha256:9f86…'
 * ```
 */
export const fnBundleDigest = (t: FnTemplate): string => {
  let meta: Metafile
  try {
    const file = fileURLToPath(t.module)
    meta = buildSync({ entryPoints: [file], bundle: true, write: false, metafile: true, packages: 'external', platform: 'node', format: 'esm', logLevel: 'silent' }).metafile!
  } catch {
    return `sha256:${sha(`module ${t.module}`)}`
  }
  const lines: string[] = []
  for (const path of Object.keys(meta.inputs).sort()) {
    const abs = resolve(path)
    let content = ''
    try {
      content = sha(readFileSync(abs))
    } catch {
      content = 'unreadable'
    }
    lines.push(`file ${JSON.stringify(path)} ${content}`)
    for (const imp of meta.inputs[path]!.imports)
      if (imp.external) lines.push(imp.path.startsWith('node:') ? `builtin ${imp.path}` : `package ${packageName(imp.path)}@${installedVersion(packageName(imp.path), abs)}`)
  }
  return `sha256:${sha([...new Set(lines)].join('\n'))}`
}

/** Every entry under `root`, sorted by path, each file hashed: `walkTree`'s entries, read at once (a shipped package is a small folder of sources). */
const entriesSync = (root: string): TreeEntry[] => {
  const out: TreeEntry[] = []
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name)
      const r = rel ? `${rel}/${name}` : name
      const st = statSync(abs)
      if (st.isDirectory()) out.push({ rel: r, type: 'dir', size: 0, executable: false, sha256: '' }), visit(abs, r)
      else if (st.isFile()) out.push({ rel: r, type: 'file', size: st.size, executable: (st.mode & 0o100) !== 0, sha256: sha(readFileSync(abs)) })
    }
  }
  visit(root, '')
  return out
}

/**
 * The content digest of a shipped package folder (`treeDigest`, as of an artifact), or of its path when it
 * cannot be read.
 *
 * @example
 * ```ts
 * packageDigest('./lib/helpers') // 'sha256:…'
 * ```
 */
export const packageDigest = (dir: string): string => {
  try {
    return treeDigest(entriesSync(resolve(dir)))
  } catch {
    return `sha256:${sha(`package ${resolve(dir)}`)}`
  }
}

/**
 * What of a leaf template lives on disk, as the shared template digest takes it (`templateDigest` in
 * lib/run/template-digest.ts): a function OP's bundle digest and each shipped package's content digest.
 * `bundles` caches bundle digests by module and name for one value (a workflow of many OPs from one module).
 *
 * @example
 * ```ts
 * templateDigest(duplicate, leafParts(duplicate)) // 'sha256:…'
 * ```
 */
export const leafParts = (t: LeafTemplate, bundles?: Map<string, string>): TemplateParts => {
  const packages = (t.packages ?? []).map(packageDigest)
  if (t._tag !== 'FnTemplate') return { packages }
  const key = t.module
  let bundle = bundles?.get(key)
  if (bundle === undefined) (bundle = fnBundleDigest(t)), bundles?.set(key, bundle)
  return { bundle, packages }
}
