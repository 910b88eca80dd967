import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, gunzipSync } from 'node:zlib'
import { walkTree } from './digest.ts'
import { StoreError } from './errors.ts'
import { landAtomically } from './local-copy.ts'
import { PRIVATE_DIR } from './modes.ts'
import { s3Client, s3Place, type S3StoreOptions } from './s3-client.ts'
import { describeS3, s3Failure } from './s3-errors.ts'
import { uploadObject } from './s3-upload.ts'
import { extractTar, packTar } from './tar.ts'

/** How an Argo artifact is archived: tar+gzip (Argo's default for outputs), none, or — reading — found out from the bytes. @example const a: ArgoArchive = 'auto' */
export type ArgoArchive = 'tar' | 'none' | 'auto'

/**
 * The objects under `key/` of a bucket (all pages), their keys relative to the client's prefix.
 *
 * @example await objectsUnder(client, 'b', '', where, 'wf/parts') // [{ key: 'wf/parts/a.txt', size: 1 }]
 */
export const objectsUnder = async (client: S3Client, Bucket: string, prefix: string, where: { id: string; bucket: string; endpoint: string | undefined }, key: string): Promise<readonly { key: string; size: number }[]> => {
  const found: { key: string; size: number }[] = []
  let token: string | undefined
  do {
    const r = await client
      .send(new ListObjectsV2Command({ Bucket, Prefix: `${prefix}${key}/`, ...(token ? { ContinuationToken: token } : {}) }))
      .catch((e: unknown) => {
        throw s3Failure(e, where, key, 'listing the folder')
      })
    for (const c of r.Contents ?? []) if (c.Key && !c.Key.endsWith('/')) found.push({ key: c.Key.slice(prefix.length), size: c.Size ?? 0 })
    token = r.IsTruncated ? r.NextContinuationToken : undefined
  } while (token)
  return found
}

/** Whether a file is a gzip'd tar archive (its first tar header's checksum holds), as Argo's executor tells one. */
const isTarball = async (path: string): Promise<boolean> => {
  const f = await open(path, 'r')
  try {
    const buf = Buffer.alloc(64 * 1024)
    const { bytesRead } = await f.read(buf, 0, buf.length, 0)
    if (bytesRead < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return false
    let head: Buffer
    try {
      head = gunzipSync(buf.subarray(0, bytesRead), { finishFlush: constants.Z_SYNC_FLUSH })
    } catch {
      return false
    }
    if (head.length < 512) return false
    const want = parseInt(head.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim(), 8)
    let sum = 0
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i]!
    return Number.isInteger(want) && sum === want
  } finally {
    await f.close()
  }
}

/**
 * Argo's own S3 layout of one artifact, through this package's S3 client ({@link s3Client}): what Argo's
 * executor reads and writes in a pod, without dflow's commit records.
 *
 * - `get(key, path, archive)`: the object `key` itself, or — when there is none — the objects under `key/`
 *   (a "directory"), as a folder. A file is unpacked when it is a tar+gzip archive (`auto`, Argo's default
 *   for inputs: told from its bytes) or when `tar` is asked: an archive of one top-level entry becomes
 *   `path`, of several a folder of them. `archive: none` keeps the bytes.
 * - `put(path, key, archive)`: `tar` (Argo's default): one tar+gzip object at `key` whose single top-level
 *   entry is the file or folder; `none`: a file as the object `key`, a folder as one object per file
 *   under `key/`.
 *
 * A missing key is a `StoreError` of reason `missing-key`.
 *
 * @example
 * ```ts
 * const s3 = argoS3({ bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials })
 * await s3.put('/tmp/out/hello.txt', 'runs/hello.tgz', 'tar')
 * await s3.get('runs/hello.tgz', '/tmp/in/hello.txt', 'auto') // the file again
 * await s3.close()
 * ```
 */
export const argoS3 = (o: S3StoreOptions) => {
  const { prefix, id, endpoint, where } = s3Place(o)
  const client = s3Client(o)
  const Bucket = o.bucket
  const body = async (key: string): Promise<Readable | undefined> => {
    try {
      return (await client.send(new GetObjectCommand({ Bucket, Key: `${prefix}${key}` }))).Body as Readable
    } catch (e) {
      const f = s3Failure(e, where, key, 'reading the object')
      if (f.reason === 'missing-key') return undefined
      throw f
    }
  }
  const missing = (key: string) => new StoreError('missing-key', describeS3(id, Bucket, endpoint), key, 'no such object, and no objects under it', 'check the key, the bucket and the endpoint')
  const fetchTo = async (b: Readable, to: string) => {
    await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR })
    await pipeline(b, createWriteStream(to))
  }
  const unpack = async (file: string, to: string) => {
    const box = `${to}.x`
    await mkdir(box, { recursive: true, mode: PRIVATE_DIR })
    try {
      await extractTar(createReadStream(file), box)
      const top = await readdir(box)
      if (top.length === 1) await rename(join(box, top[0]!), to)
      else await rename(box, to)
    } finally {
      await rm(box, { recursive: true, force: true })
    }
  }
  const get = async (key: string, path: string, archive: ArgoArchive): Promise<'file' | 'folder'> => {
    const src = await body(key)
    if (src === undefined) {
      const files = await objectsUnder(client, Bucket, prefix, where, key)
      if (!files.length) throw missing(key)
      await landAtomically(path, async (tmp) => {
        await mkdir(tmp, { recursive: true, mode: PRIVATE_DIR })
        for (const f of files) {
          const b = await body(f.key)
          if (b === undefined) throw missing(f.key)
          await fetchTo(b, join(tmp, f.key.slice(key.length + 1)))
        }
      })
      return 'folder'
    }
    let kind: 'file' | 'folder' = 'file'
    await landAtomically(path, async (tmp) => {
      const raw = `${tmp}.raw`
      try {
        await fetchTo(src, raw)
        if (archive === 'tar' || (archive === 'auto' && (await isTarball(raw)))) {
          await unpack(raw, tmp)
          kind = (await stat(tmp)).isDirectory() ? 'folder' : 'file'
        } else await rename(raw, tmp)
      } finally {
        await rm(raw, { force: true })
      }
    })
    return kind
  }
  const send = async (file: string, key: string, size?: number) => {
    const st = size ?? (await stat(file)).size
    await uploadObject(client, createReadStream(file), { bucket: Bucket, key: `${prefix}${key}`, metadata: {}, partSize: 8 * 1024 * 1024, queueSize: 4, contentLength: st })
  }
  const put = async (path: string, key: string, archive: 'tar' | 'none'): Promise<void> => {
    try {
      if (archive === 'tar') await uploadObject(client, packTar(path), { bucket: Bucket, key: `${prefix}${key}`, metadata: {}, partSize: 8 * 1024 * 1024, queueSize: 4 })
      else if (!(await stat(path)).isDirectory()) await send(path, key)
      else for (const e of await walkTree(path)) if (e.type === 'file') await send(join(path, e.rel), `${key}/${e.rel}`, e.size)
    } catch (e) {
      throw e instanceof StoreError ? e : s3Failure(e, where, key, 'uploading')
    }
  }
  return { id, get, put, close: async () => client.destroy() }
}
