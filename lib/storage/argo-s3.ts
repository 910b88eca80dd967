import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { walkTree } from './digest.ts'
import { StoreError } from './errors.ts'
import { landAtomically } from './local-copy.ts'
import { PRIVATE_DIR } from './modes.ts'
import { s3Client, s3Place, type S3StoreOptions } from './s3-client.ts'
import { describeS3, s3Failure } from './s3-errors.ts'
import { uploadObject } from './s3-upload.ts'
import { packTar } from './tar.ts'
import { landArtifact, type ArgoArchive } from './argo-land.ts'

// re-exported: the importer's modules name the archive kinds from here
export type { ArgoArchive }

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
    return landArtifact(path, archive, (raw) => fetchTo(src, raw))
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
