import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { Readable } from 'node:stream'

/** What {@link uploadObject} needs besides the body. @example { bucket: 'b', key: 'p/k.tgz', metadata: { 'dflow-digest': 'sha256:…' }, partSize: 8 << 20, queueSize: 4 } */
export interface UploadRequest {
  readonly bucket: string
  readonly key: string
  readonly metadata: Record<string, string>
  readonly partSize: number
  readonly queueSize: number
  /** Known for a file: then a file that shrinks while it is read fails instead of storing less. */
  readonly contentLength?: number
  readonly signal?: AbortSignal
}

/**
 * Streams `body` into one object with lib-storage's `Upload`: a body no larger than a part is one
 * PutObject, a larger one a multipart upload with `queueSize` parts in flight — each part a Buffer, so that
 * the SDK can retry it, and never more than about (queueSize + 1) parts in memory. When the upload fails
 * or `signal` stops it, its incomplete multipart upload is aborted here (lib-storage's own abort would
 * replace the upload's error with the abort's when the server cannot abort — s3rver cannot); if aborting
 * fails too, the error says so (a bucket lifecycle rule `AbortIncompleteMultipartUpload` removes such
 * leftovers on AWS, MinIO and Ceph).
 *
 * Resolves to the object's ETag as the server gave it (undefined if it gave none).
 *
 * @example await uploadObject(client, createReadStream('big.bin'), { bucket: 'b', key: 'k', metadata: {}, partSize: 8 << 20, queueSize: 4 }) // '"9b2c…-32"'
 */
export const uploadObject = async (client: S3Client, body: Readable, r: UploadRequest): Promise<string | undefined> => {
  const upload = new Upload({
    client,
    params: { Bucket: r.bucket, Key: r.key, Body: body, Metadata: r.metadata, ...(r.contentLength !== undefined && { ContentLength: r.contentLength }) },
    partSize: r.partSize,
    queueSize: r.queueSize,
    leavePartsOnError: true,
  })
  const stop = () => body.destroy(Object.assign(new Error('the upload was stopped'), { name: 'AbortError' }))
  if (r.signal?.aborted) stop()
  r.signal?.addEventListener('abort', stop)
  try {
    return (await upload.done()).ETag
  } catch (e) {
    if (upload.uploadId !== undefined) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: r.bucket, Key: r.key, UploadId: upload.uploadId }))
      } catch (a) {
        if (e instanceof Error)
          e.message += ` (and aborting the incomplete multipart upload ${upload.uploadId} failed: ${(a as Error).name ?? ''} ${(a as Error).message}; a lifecycle rule AbortIncompleteMultipartUpload removes it)`
      }
    }
    throw e
  } finally {
    r.signal?.removeEventListener('abort', stop)
  }
}
