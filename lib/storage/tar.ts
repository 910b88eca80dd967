/**
 * tar+gzip archives, Argo's default artifact format: packed here (ustar with pax long names), extracted
 * with the npm `tar` package (node-tar: npm's own, streaming, with the path checks a hostile archive needs).
 */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, posix, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import * as tar from 'tar'

const BLOCK = 512
/** Files up to this size are read in one synchronous call; larger ones are streamed. */
const SMALL = 1024 * 1024

/** Writes `value` as a NUL-terminated octal field of `width` bytes at `at`. */
const octal = (h: Buffer, at: number, width: number, value: number) => h.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii')

/** One ustar header block (portable: uid, gid and owner names empty). */
const header = (name: string, type: '0' | '5' | 'x', size: number, mode: number, mtime: number): Buffer => {
  const h = Buffer.alloc(BLOCK)
  h.write(name, 0, 100, 'utf8')
  octal(h, 100, 8, mode)
  octal(h, 108, 8, 0)
  octal(h, 116, 8, 0)
  octal(h, 124, 12, size)
  octal(h, 136, 12, mtime)
  h.write(type, 156, 1, 'ascii')
  h.write('ustar\0', 257, 6, 'ascii')
  h.write('00', 263, 2, 'ascii')
  h.fill(' ', 148, 156)
  let sum = 0
  for (const byte of h) sum += byte
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii')
  return h
}

const pad = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)

/** The header blocks of one entry: a pax `path` record first when the name does not fit ustar's 100 bytes. */
const headers = (name: string, type: '0' | '5', size: number, mode: number, mtime: number): Buffer[] => {
  if (Buffer.byteLength(name) < 100) return [header(name, type, size, mode, mtime)]
  const body = (n: number) => `${n} path=${name}\n`
  let n = Buffer.byteLength(body(0))
  while (Buffer.byteLength(body(n)) !== n) n = Buffer.byteLength(body(n))
  const record = Buffer.from(body(n))
  return [header('././@PaxHeader', 'x', record.length, 0o644, mtime), record, pad(record.length), header(Buffer.from(name).subarray(0, 99).toString('utf8').replace(/\uFFFD$/, ''), type, size, mode, mtime)]
}

/** The tar stream of `abs` named `name`, entry by entry; folders, stats and small files read synchronously. */
async function* tarEntries(abs: string, name: string): AsyncGenerator<Buffer> {
  let since = performance.now()
  const visit = async function* (path: string, rel: string): AsyncGenerator<Buffer> {
    const st = statSync(path)
    const mtime = Math.floor(st.mtimeMs / 1000)
    if (st.isDirectory()) {
      yield* headers(`${rel}/`, '5', 0, 0o755, mtime)
      for (const n of readdirSync(path).sort()) yield* visit(join(path, n), `${rel}/${n}`)
    } else if (st.isFile()) {
      yield* headers(rel, '0', st.size, st.mode & 0o100 ? 0o755 : 0o644, mtime)
      if (st.size <= SMALL) {
        const body = readFileSync(path)
        if (body.length !== st.size) throw new Error(`${path} changed size while it was archived`)
        yield body
      } else {
        let read = 0
        for await (const chunk of createReadStream(path, { end: st.size - 1 })) {
          read += (chunk as Buffer).length
          yield chunk as Buffer
        }
        if (read !== st.size) throw new Error(`${path} changed size while it was archived`)
      }
      yield pad(st.size)
    } else throw new Error(`${path}: neither a file nor a folder (an artifact holds only files and folders)`)
    if (performance.now() - since > 5) {
      await new Promise((r) => setImmediate(r))
      since = performance.now()
    }
  }
  yield* visit(abs, name)
  yield Buffer.alloc(2 * BLOCK)
}

/** Joins small buffers into chunks of about `size` bytes (one gzip call each, not one per header). */
async function* coalesce(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = []
  let bytes = 0
  for await (const b of source) {
    held.push(b)
    bytes += b.length
    if (bytes >= size) {
      yield Buffer.concat(held, bytes)
      held = []
      bytes = 0
    }
  }
  if (bytes > 0) yield Buffer.concat(held, bytes)
}

/**
 * Packs a file or folder into a tar+gzip stream whose single top-level entry is its base name (as Argo
 * archives an output artifact). Symlinks are followed: the archive holds what they point at. POSIX ustar,
 * with a pax `path` record for a name longer than 99 bytes (GNU tar, bsdtar, node-tar and Python's tarfile
 * read it); owners left out, modes 0755 / 0644 by the owner's execute bit, as `tar --portable` would.
 * Written here rather than with node-tar's packer, which takes about 0.5 ms per entry (several thread-pool
 * trips each): a folder of 10,000 small files packs in the time `tar czf` takes, not 5x it.
 *
 * @example
 * ```ts
 * packTar('out') // a stream of out.tgz: out/, out/a.txt, …
 * ```
 */
export const packTar = (path: string): Readable => {
  const abs = resolve(path)
  const gzip = createGzip()
  const source = Readable.from(coalesce(tarEntries(abs, basename(abs)), 256 * 1024), { objectMode: false })
  source.on('error', (e) => gzip.destroy(e))
  return source.pipe(gzip)
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

/**
 * An archive that does not read to its end: gzip's check failed or the stream stopped inside it — cut short
 * or changed after it was written, never a reason to try again. @example e.message // 'the archive is damaged or cut short (zlib: unexpected end of file)'
 */
export class DamagedArchiveError extends Error {
  constructor(cause: Error) {
    super(`the archive is damaged or cut short (${cause.message})`, { cause })
    this.name = 'DamagedArchiveError'
  }
}

/** Whether node-tar's error is about the archive's bytes (gzip's Z_* codes, a bad or truncated tar) rather than this machine's files. */
const damaged = (e: unknown): e is Error => {
  const x = e as { code?: unknown; tarCode?: unknown }
  return e instanceof Error && ((typeof x.code === 'string' && x.code.startsWith('Z_')) || x.tarCode === 'TAR_BAD_ARCHIVE')
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
 * refused whole, and the caller removes `dir`. An archive that does not read to its end (gzip's CRC, a cut
 * stream) rejects with a {@link DamagedArchiveError}; entries node-tar started writing may still be landing
 * then, so the caller removes `dir` with retries.
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
    unpack.on('error', (e: unknown) => finish(refused ?? (damaged(e) ? new DamagedArchiveError(e) : e)))
    unpack.on('close', () => finish())
    source.on('error', (e) => finish(e))
    source.pipe(unpack)
  })
