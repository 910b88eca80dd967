import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3'
import { objectsUnder } from './argo-s3.ts'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { StoreError } from './errors.ts'
import { landAtomically } from './local-copy.ts'
import type { ArtifactInfo } from './location.ts'
import { PRIVATE_DIR } from './modes.ts'
import { s3Client, s3Place, type S3StoreOptions } from './s3-client.ts'
import { describeS3, s3Failure } from './s3-errors.ts'
import { keyOf, type ArtifactStore } from './store.ts'
import { extractTar } from './tar.ts'

/**
 * A read-only store over a bucket's objects as Argo's executor writes them — no commit records. The artifact
 * of key `KEY` is the object `KEY.tgz` when there is one (tar+gzip, its single top-level entry the file or
 * folder: Argo's default archive), else the object `KEY` (a file), else the objects under `KEY/` (a folder
 * stored unarchived) — as a REF names them (`s3://BUCKET/KEY.tgz` is key `KEY`). What the workflows of an Argo artifact repository output is read through it:
 * `get` writes the content, whole or not at all; `put` and `stack` are refused (Argo writes that bucket).
 * Nothing is checked against a digest: Argo records none.
 *
 * @example
 * ```ts
 * const repo = s3Objects({ bucket: 'my-bucket', endpoint: 'http://minio:9000', forcePathStyle: true })
 * await repo.get({ store: repo.id, key: 'hello-x7k2p/hello-x7k2p-duplicate-123/bar' }, '/tmp/got/bar') // from …/bar.tgz
 * ```
 */
export const s3Objects = (o: S3StoreOptions): ArtifactStore => {
  const { prefix, id, endpoint, where } = s3Place(o)
  const client = s3Client(o)
  const Bucket = o.bucket
  const body = async (key: string, signal?: AbortSignal): Promise<Readable | undefined> => {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket, Key: `${prefix}${key}` }), signal ? { abortSignal: signal } : {})
      return r.Body as Readable
    } catch (e) {
      const f = s3Failure(e, where, key, 'reading the object')
      if (f.reason === 'missing-key') return undefined
      throw f
    }
  }
  const under = (key: string) => objectsUnder(client, Bucket, prefix, where, key)
  const missing = (key: string) => new StoreError('missing-key', describeS3(id, Bucket, endpoint), key, 'no such object, and no objects under it', 'check the key and the artifact repository (bucket, endpoint)')
  const readOnly = (key: string) =>
    Promise.reject(new StoreError('failed', id, key, "this is an Argo artifact repository, read through Argo's object layout: it is read-only here", 'write artifacts with s3Store'))

  const get: ArtifactStore['get'] = async (at, localPath, options = {}) => {
    const key = keyOf(at)
    const signal = options.signal
    const tgz = await body(`${key}.tgz`, signal)
    if (tgz !== undefined) {
      const src = tgz
      // The archive holds one top-level entry, the file or folder: it becomes localPath.
      let kind: ArtifactInfo['kind'] = 'file'
      await landAtomically(localPath, async (tmp) => {
        const box = `${tmp}.x`
        await mkdir(box, { recursive: true, mode: PRIVATE_DIR })
        try {
          await extractTar(src, box)
          const top = await readdir(box, { withFileTypes: true })
          if (top.length !== 1) throw new StoreError('failed', describeS3(id, Bucket, endpoint), key, `the archive holds ${top.length} top-level entries, not one file or folder`)
          kind = top[0]!.isDirectory() ? 'folder' : 'file'
          await rename(join(box, top[0]!.name), tmp)
        } finally {
          await rm(box, { recursive: true, force: true })
        }
      })
      return { kind, archive: 'tar', size: 0, digest: '' }
    }
    const src = await body(key, signal)
    if (src !== undefined) {
      await landAtomically(localPath, async (tmp) => {
        await mkdir(dirname(tmp), { recursive: true, mode: PRIVATE_DIR })
        await pipeline(src, createWriteStream(tmp))
      })
      return { kind: 'file', archive: 'none', size: 0, digest: '' }
    }
    const files = await under(key)
    if (!files.length) throw missing(key)
    await landAtomically(localPath, async (tmp) => {
      for (const f of files) {
        const to = join(tmp, f.key.slice(key.length + 1))
        await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR })
        const b = await body(f.key, signal)
        if (b === undefined) throw missing(f.key)
        await pipeline(b, createWriteStream(to))
      }
    })
    return { kind: 'folder', archive: 'none', size: files.reduce((n, f) => n + f.size, 0), digest: '' }
  }
  const stat: ArtifactStore['stat'] = async (at) => {
    const key = keyOf(at)
    for (const [object, archive] of [[`${key}.tgz`, 'tar'], [key, 'none']] as const) {
      try {
        const h = await client.send(new HeadObjectCommand({ Bucket, Key: `${prefix}${object}` }))
        return { kind: 'file', archive, size: h.ContentLength ?? 0, digest: '' }
      } catch (e) {
        const f = s3Failure(e, where, object, 'reading the object')
        if (f.reason !== 'missing-key') throw f
      }
    }
    const files = await under(key)
    return files.length ? { kind: 'folder', archive: 'none', size: files.reduce((n, f) => n + f.size, 0), digest: '' } : undefined
  }
  return {
    id,
    put: (_path, key) => readOnly(key),
    stack: (_parts, key) => readOnly(key),
    get,
    stat,
    exists: async (at) => (await stat(at)) !== undefined,
    close: async () => client.destroy(),
  }
}

