/**
 * tar+gzip archives, Argo's default artifact format, with the npm `tar` package (node-tar: npm's own,
 * streaming both ways, with pax long names and the path checks a hostile archive needs).
 */
import { basename, dirname, posix, resolve } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import * as tar from 'tar'

/**
 * Packs a file or folder into a tar+gzip stream whose single top-level entry is its base name (as Argo
 * archives an output artifact). Symlinks are followed: the archive holds what they point at.
 *
 * @example
 * ```ts
 * packTar('out') // a stream of out.tgz: out/, out/a.txt, …
 * ```
 */
export const packTar = (path: string): Readable => {
  const abs = resolve(path)
  const out = new PassThrough()
  const pack = tar.c({ gzip: true, cwd: dirname(abs), portable: true, follow: true }, [basename(abs)])
  pack.on('error', (e: unknown) => out.destroy(e as Error))
  pack.pipe(out)
  return out
}

/** A tar entry refused because it would land outside its target. @example e.entry // '../etc/passwd' */
export class UnsafeEntryError extends Error {
  constructor(
    readonly entry: string,
    readonly why: string,
  ) {
    super(`tar entry ${JSON.stringify(entry)}: ${why}; the archive is refused`)
    this.name = 'UnsafeEntryError'
  }
}

const escapes = (p: string): boolean => posix.isAbsolute(p) || /^[A-Za-z]:/.test(p) || posix.normalize(p).split('/')[0] === '..'

/** Why an entry is unsafe, or undefined. @example unsafeEntry('a/../../x', 'File', '') // 'its path leaves the target' */
export const unsafeEntry = (path: string, type: string, linkpath: string): string | undefined => {
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path)) return 'its path is absolute'
  if (path.split('/').includes('..')) return 'its path has a ".." segment'
  if (type === 'SymbolicLink' && (posix.isAbsolute(linkpath) || escapes(posix.join(posix.dirname(path), linkpath))))
    return `it is a symlink to ${JSON.stringify(linkpath)}, outside the target`
  if (type === 'Link' && (escapes(linkpath) || linkpath.split('/').includes('..'))) return `it is a hard link to ${JSON.stringify(linkpath)}, outside the target`
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'].includes(type)) return `it is a ${type}, not a file, folder or link`
  return undefined
}

/**
 * Extracts a tar (gzip or not) stream into the folder `dir`, refusing — rejecting with an
 * {@link UnsafeEntryError}, nothing of that entry written — any entry that would land outside `dir`: an
 * absolute path, a `..` segment, a symlink pointing outside (or to an absolute path), a hard link outside,
 * or a device or FIFO. node-tar itself would only warn and skip such entries; an artifact with one is
 * refused whole, and the caller removes `dir`.
 *
 * @example
 * ```ts
 * await extractTar(createReadStream('out.tgz'), '/tmp/x') // /tmp/x/out/…
 * ```
 */
export const extractTar = (source: Readable, dir: string): Promise<void> =>
  new Promise((resolvePromise, reject) => {
    let refused: UnsafeEntryError | undefined
    const unpack = tar.x({
      cwd: dir,
      strict: true,
      filter: (path, entry) => {
        const e = entry as tar.ReadEntry
        const why = unsafeEntry(path, e.type, e.linkpath ?? '')
        if (why !== undefined) refused ??= new UnsafeEntryError(path, why)
        return why === undefined && refused === undefined
      },
    })
    let done = false
    const finish = (e?: unknown) => {
      if (done) return
      done = true
      if (e !== undefined) reject(e)
      else if (refused !== undefined) reject(refused)
      else resolvePromise()
    }
    unpack.on('error', (e: unknown) => finish(refused ?? e))
    unpack.on('close', () => finish())
    source.on('error', (e) => finish(e))
    source.pipe(unpack)
  })
