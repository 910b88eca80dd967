import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, readFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { inWindow } from '../concurrency/in-window.ts'
import { hashBehind, type HashBehind } from './hash-behind.ts'
import { sha256File, treeDigest, treeSize, walkTree, type TreeEntry } from './digest.ts'
import { missing, StoreError } from './errors.ts'
import { landAtomically } from './local-copy.ts'
import { artifactLocation, checkKey, type ArtifactInfo } from './location.ts'
import { fileMode, PRIVATE_DIR } from './modes.ts'
import { s3Client, s3Place, type S3StoreOptions } from './s3-client.ts'
import { describeS3, s3Failure } from './s3-errors.ts'
import { uploadObject } from './s3-upload.ts'
import { stageStack } from './stack.ts'
import { keyOf, type ArtifactStore } from './store.ts'
import { DamagedArchiveError, extractTar, packTar, UnsafeEntryError } from './tar.ts'

/** A file of an unarchived folder, as its commit record lists it: with its object's ETag. @example { rel: 'a/b.txt', type: 'file', size: 3, executable: false, sha256: '…', etag: '"e1…"' } */
type RecordEntry = TreeEntry & { readonly etag?: string }

/**
 * The commit record of an artifact: its info, plus the files of an unarchived folder, and the ETag the
 * server gave each object when it was put (absent in records written before ETags were kept, and from a
 * server that gives none: then only lengths are checked in `'etag'` mode).
 *
 * @example { dflow: 'artifact/1', kind: 'file', archive: 'none', size: 3, digest: 'sha256:…', etag: '"e1…"' }
 */
interface CommitRecord extends ArtifactInfo {
  readonly dflow: 'artifact/1'
  /** A file: whether its owner may execute it. */
  readonly executable?: boolean
  /** The ETag of the artifact's one object (a file, or the tgz of an archived artifact). */
  readonly etag?: string
  /** An unarchived folder: its entries (one object per file, under `KEY/`). */
  readonly entries?: readonly RecordEntry[]
}

/** `x` with the ETag the server gave, if it gave one. */
const withEtag = <T extends object>(x: T, etag: string | undefined): T & { readonly etag?: string } => (etag === undefined ? x : { ...x, etag })

const infoOf = (r: CommitRecord): ArtifactInfo => ({ kind: r.kind, archive: r.archive, size: r.size, digest: r.digest })

/** The suffix of a commit record's object key. @example `${key}${RECORD}` */
export const RECORD = '.dflow-commit.json'
const DIGEST = 'dflow-digest'
/** The write buffer of a download and the read size of an upload: 1 MiB, 16 times the streams' defaults. */
const WRITE_BUFFER = 1024 * 1024
/** The {@link HashBehind} shape for a small download: its chunks hashed as they pass. */
const hashInLine = (): HashBehind => {
  const h = createHash('sha256')
  return { wrote: (chunk) => void h.update(chunk), done: async () => h.digest('hex'), cancel: () => {} }
}
/** The fix a refusal of changed bytes gives. */
const CHANGED = 'the object was changed or cut short on the server: put the artifact again'
/** Files up to this size are read for an upload by one blocking read. */
const READ_AT_ONCE = 256 * 1024
/** Objects from this size on are hashed behind their download by a worker thread (`hashBehind`). */
const BEHIND = 4 * 1024 * 1024

/**
 * An artifact store in an S3 bucket (AWS, MinIO, Ceph radosgw; s3rver in the tests).
 *
 * Objects, under the store's prefix `P`: `P/KEY.tgz` (archive `tar`, the default: one tar+gzip object whose
 * top-level entry is the file or folder, as Argo stores an output artifact), or `P/KEY` for a file and
 * `P/KEY/PATH` per file of a folder (archive `none`); each object carries its content digest in the metadata
 * `x-amz-meta-dflow-digest` (multipart ETags are not digests). Last, the commit record `P/KEY.dflow-commit.json`
 * (kind, archive, size, digest; an unarchived folder's file list).
 *
 * Why a record written last rather than an upload under a temporary key copied into place: an artifact is
 * committed exactly when its record exists, and the store reads only what a record names — so a killed
 * upload, an object a crashed server left half-written (s3rver writes objects in place), or leftovers of an
 * earlier put are never read, whatever their keys. A copy would double the server's work for every
 * artifact (CopyObject stops at 5 GiB, beyond which it is a multipart copy), could not make a folder of many
 * objects appear at once, and trips s3rver's CopySource decoding. Putting a key again first deletes its
 * record, so nothing is committed while the new content goes up. What is read is checked against the
 * record ({@link S3Verify}: by default each object's ETag and length; with `verify: 'sha256'` also the
 * digest of its bytes, while it streams or once extracted), so an object replaced, cut short or — in
 * `'sha256'` mode — changed on the server fails as `corrupt` instead of becoming an input. An outside
 * reader of the bucket (Argo) is given a key only after it is committed.
 *
 * @example
 * ```ts
 * const store = s3Store({ bucket: 'artifacts', prefix: 'runs/', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true })
 * const { at, info } = await store.put('out/', 'wf-1/hello/out')   // s3://artifacts/runs/wf-1/hello/out.tgz + record
 * await store.get(at, '/tmp/in/out')
 * await store.close()
 * ```
 */
export const s3Store = (o: S3StoreOptions): ArtifactStore => {
  const { prefix, id, endpoint, where } = s3Place(o)
  const client = s3Client(o)
  const partSize = o.partSize ?? 8 * 1024 * 1024
  const queueSize = o.queueSize ?? 4
  const attempts = o.maxAttempts ?? 6
  const Bucket = o.bucket
  const hashing = (o.verify ?? 'etag') === 'sha256'
  /** Whether an object's bytes are hashed again: in `'sha256'` mode, or when its record names no ETag. */
  const rehash = (etag: string | undefined) => hashing || etag === undefined
  /** The store's one refusal of what it read: `corrupt`, naming the store and the key. */
  const refused = (key: string, message: string, fix = 'put the artifact again', cause?: unknown) =>
    new StoreError('corrupt', describeS3(id, Bucket, endpoint), key, message, fix, cause === undefined ? undefined : { cause })

  const readRecord = async (key: string): Promise<CommitRecord | undefined> => {
    checkKey(id, key)
    try {
      const r = await client.send(new GetObjectCommand({ Bucket, Key: `${prefix}${key}${RECORD}` }))
      const record = JSON.parse((await r.Body?.transformToString()) ?? '') as CommitRecord
      if (record.dflow !== 'artifact/1') throw new Error(`not a commit record: ${JSON.stringify(record).slice(0, 80)}`)
      return record
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return undefined
      throw s3Failure(e, where, key, 'reading the commit record')
    }
  }

  /** An object's body, once its ETag is the one its record names (when it names one). */
  const objectBody = async (key: string, objectKey: string, etag: string | undefined, signal?: AbortSignal): Promise<Readable> => {
    let r
    try {
      r = await client.send(new GetObjectCommand({ Bucket, Key: objectKey }), signal ? { abortSignal: signal } : {})
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey')
        throw refused(key, `the committed object ${JSON.stringify(objectKey)} is missing`, undefined, e)
      throw s3Failure(e, where, key, `reading ${JSON.stringify(objectKey)}`)
    }
    const body = r.Body as Readable
    if (etag !== undefined && r.ETag !== etag) {
      body.destroy()
      throw refused(key, `${JSON.stringify(objectKey)} is not the object committed (its ETag is ${r.ETag ?? 'missing'}, the record's ${etag}): it was replaced on the server`)
    }
    return body
  }

  const corrupt = (key: string, what: string, want: string, got: string) =>
    refused(key, `${what} does not match its committed digest (${want}, read ${got})`, CHANGED)

  /**
   * Downloads one object to `path` (its ETag checked first), written through a 1 MiB write buffer, so the
   * file stream gathers the socket's 64 KiB chunks into few `writev` calls instead of one write each; its
   * length is checked against the record, and in `'sha256'` mode its digest: a large object ({@link BEHIND})
   * is hashed by a worker thread that reads the file back behind the writer (`hashBehind`: on the other
   * core, from the page cache, so the event loop only moves bytes), a small one from a `data` listener beside
   * the pipe, where a worker's round trip would cost more than the hash.
   */
  const fetchFile = async (key: string, objectKey: string, etag: string | undefined, path: string, sha256: string, size: number, executable: boolean, signal?: AbortSignal) => {
    const body = await objectBody(key, objectKey, etag, signal)
    const hash = rehash(etag) ? (size >= BEHIND ? hashBehind(path) : hashInLine()) : undefined
    let length = 0
    body.on('data', (chunk: Buffer) => {
      length += chunk.length
      hash?.wrote(chunk)
    })
    try {
      await pipeline(body, createWriteStream(path, { mode: fileMode(executable), highWaterMark: WRITE_BUFFER }), signal ? { signal } : {})
    } catch (e) {
      hash?.cancel()
      throw e
    }
    if (length !== size) {
      hash?.cancel()
      throw refused(key, `${JSON.stringify(objectKey)} holds ${length} bytes, its record ${size}: it was cut short or replaced on the server`)
    }
    const got = await hash?.done()
    if (got !== undefined && got !== sha256) throw corrupt(key, JSON.stringify(objectKey), `sha256:${sha256}`, `sha256:${got}`)
    await chmod(path, fileMode(executable))
  }

  const transient = (e: unknown): boolean => e instanceof StoreError && ['unreachable', 'timeout', 'server-error', 'throttled', 'failed'].includes(e.reason)

  /** Retries a whole download whose stream broke after the SDK handed it over (the SDK retries only requests). */
  const retrying = async (key: string, doing: string, run: () => Promise<void>, undo: () => Promise<void>): Promise<void> => {
    for (let n = 1; ; n++) {
      try {
        return await run()
      } catch (e) {
        await undo()
        const err = e instanceof StoreError || e instanceof UnsafeEntryError || e instanceof DamagedArchiveError ? e : s3Failure(e, where, key, doing)
        if (err instanceof DamagedArchiveError) throw refused(key, err.message, CHANGED, err)
        if (err instanceof UnsafeEntryError) throw new StoreError('unsafe-archive', describeS3(id, Bucket, endpoint), key, err.message, 'the archive was not made by dflow-ts: refuse it or repack it', { cause: err })
        if (n >= attempts || !transient(err)) throw err
        await new Promise((r) => setTimeout(r, (0.5 + Math.random() / 2) * Math.min(10_000, (o.retryBaseMs ?? 200) * 2 ** n)))
      }
    }
  }

  const local = (key: string, e: unknown) =>
    e instanceof StoreError ? e : new StoreError('local', describeS3(id, Bucket, endpoint), key, (e as Error).message, undefined, { cause: e })

  const put: ArtifactStore['put'] = async (localPath, key, options) => {
    checkKey(id, key)
    const archive = options?.archive ?? 'tar'
    const signal = options?.signal
    let record: CommitRecord
    let folder: boolean
    try {
      const st = await stat(localPath)
      folder = st.isDirectory()
      if (folder) {
        const entries = await walkTree(localPath)
        record = { dflow: 'artifact/1', kind: 'folder', archive, size: treeSize(entries), digest: treeDigest(entries), ...(archive === 'none' && { entries }) }
      } else record = { dflow: 'artifact/1', kind: 'file', archive, size: st.size, digest: `sha256:${await sha256File(localPath)}`, executable: (st.mode & 0o100) !== 0 }
    } catch (e) {
      throw local(key, e)
    }
    const k = `${prefix}${key}`
    const send = (objectKey: string, body: Readable, digest: string, contentLength?: number) =>
      uploadObject(client, body, { bucket: Bucket, key: objectKey, metadata: { [DIGEST]: digest }, partSize, queueSize, ...(contentLength !== undefined && { contentLength }), ...(signal && { signal }) })
    /** A file: one PutObject of its bytes when it fits in a part (checked against its digest), else streamed in parts; resolves to its ETag. */
    const sendFile = async (objectKey: string, path: string, sha256: string, size: number): Promise<string | undefined> => {
      if (size > partSize) return send(objectKey, createReadStream(path, { highWaterMark: WRITE_BUFFER }), `sha256:${sha256}`, size)
      // A small file is read in one blocking call: four trips through the thread pool (open, stat, read,
      // close) cost more of the driver's CPU than the read, and this is the cost of each object.
      const body = size <= READ_AT_ONCE ? readFileSync(path) : await readFile(path, signal ? { signal } : {})
      if (createHash('sha256').update(body).digest('hex') !== sha256) throw new Error(`${path} changed while it was uploaded`)
      return (await client.send(new PutObjectCommand({ Bucket, Key: objectKey, Body: body, Metadata: { [DIGEST]: `sha256:${sha256}` } }), signal ? { abortSignal: signal } : {})).ETag
    }
    try {
      await client.send(new DeleteObjectCommand({ Bucket, Key: `${k}${RECORD}` }))
      if (archive === 'tar') record = withEtag(record, await send(`${k}.tgz`, packTar(localPath), record.digest))
      else if (!folder) record = withEtag(record, await sendFile(k, localPath, record.digest.replace(/^sha256:/, ''), record.size))
      else {
        const entries = record.entries ?? []
        const etags = await inWindow(
          entries.filter((e) => e.type === 'file'),
          queueSize,
          (e) => sendFile(`${k}/${e.rel}`, join(localPath, e.rel), e.sha256, e.size).then((etag) => [e.rel, etag] as const),
        )
        const of = new Map(etags)
        record = { ...record, entries: entries.map((e) => withEtag(e, of.get(e.rel))) }
      }
      signal?.throwIfAborted()
      await client.send(
        new PutObjectCommand({ Bucket, Key: `${k}${RECORD}`, Body: JSON.stringify(record), ContentType: 'application/json', Metadata: { [DIGEST]: record.digest } }),
      )
    } catch (e) {
      throw s3Failure(e, where, key, 'uploading')
    }
    return { at: artifactLocation(id, key), info: infoOf(record) }
  }

  const get: ArtifactStore['get'] = async (at, localPath, options) => {
    const key = keyOf(at)
    const record = await readRecord(key)
    if (record === undefined) throw missing(describeS3(id, Bucket, endpoint), key)
    const signal = options?.signal
    const k = `${prefix}${key}`
    try {
      await landAtomically(localPath, async (tmp) => {
        const scratch = `${tmp}-x`
        // with retries: after a damaged archive, entries node-tar started may still be landing
        const gone = (p: string) => rm(p, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 })
        const undo = () => Promise.all([gone(tmp), gone(scratch)]).then(() => {})
        if (record.archive === 'tar')
          await retrying(
            key,
            'downloading',
            async () => {
              await mkdir(scratch, { mode: PRIVATE_DIR })
              await extractTar(await objectBody(key, `${k}.tgz`, record.etag, signal), scratch)
              const top = await readdir(scratch)
              if (top.length === 1) await rename(join(scratch, top[0] as string), tmp)
              else await rename(scratch, tmp)
              await rm(scratch, { recursive: true, force: true })
              if (rehash(record.etag)) {
                const got = record.kind === 'folder' ? treeDigest(await walkTree(tmp)) : `sha256:${await sha256File(tmp)}`
                if (got !== record.digest) throw corrupt(key, `${k}.tgz`, record.digest, got)
              }
            },
            undo,
          )
        else if (record.kind === 'file')
          await retrying(key, 'downloading', () => fetchFile(key, k, record.etag, tmp, record.digest.replace(/^sha256:/, ''), record.size, record.executable ?? false, signal), undo)
        else
          await retrying(
            key,
            'downloading',
            async () => {
              await mkdir(tmp, { mode: PRIVATE_DIR })
              const entries = record.entries ?? []
              for (const e of entries) if (e.type === 'dir') await mkdir(join(tmp, e.rel), { mode: PRIVATE_DIR })
              await inWindow(
                entries.filter((e) => e.type === 'file'),
                queueSize,
                (e) => fetchFile(key, `${k}/${e.rel}`, e.etag, join(tmp, e.rel), e.sha256, e.size, e.executable, signal),
              )
            },
            undo,
          )
      })
    } catch (e) {
      throw local(key, e)
    }
    return infoOf(record)
  }

  return {
    id,
    put,
    get,
    // Staged on this machine and put as one folder (archive none by default, as dflow stores slices): a
    // server-side copy would trip s3rver's CopySource decoding on file names and cannot unpack a part's tar.
    stack: async (parts, key, options) => {
      checkKey(id, key)
      const tmp = await mkdtemp(join(tmpdir(), 'dflow-stack-'))
      try {
        const dir = join(tmp, 'stack')
        await stageStack(parts, dir, (at, to) => {
          if (typeof at !== 'string' && at.store !== id)
            throw new StoreError('local', describeS3(id, Bucket, endpoint), at.key, `a part of the stack is in another store (${at.store})`, 'stack parts of one store')
          return get(at, to, options?.signal ? { signal: options.signal } : {})
        })
        return await put(dir, key, { archive: options?.archive ?? 'none', ...(options?.signal && { signal: options.signal }) })
      } catch (e) {
        throw local(key, e)
      } finally {
        await rm(tmp, { recursive: true, force: true })
      }
    },
    stat: async (at) => {
      const record = await readRecord(keyOf(at))
      return record === undefined ? undefined : infoOf(record)
    },
    exists: async (at) => (await readRecord(keyOf(at))) !== undefined,
    close: async () => client.destroy(),
  }
}
