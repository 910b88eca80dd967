/**
 * The program the leaf runner (argo-leaf.py) starts to move one S3 artifact of an imported step, through this
 * package's S3 client (lib/storage/argo-s3.ts), in Argo's layout. Its request is JSON in `DFLOW_ARGO_S3`:
 * `{ "op": "get" | "put", "s3": S3StoreOptions, "key": …, "path": …, "archive": "tar" | "none" | "auto" }`.
 * Exits 0 when done, 3 when the key is missing (the runner skips an optional input), 1 with the error on
 * stderr otherwise.
 *
 * @example
 * ```sh
 * DFLOW_ARGO_S3='{"op":"get","s3":{"bucket":"b","endpoint":"http://127.0.0.1:9000","forcePathStyle":true},"key":"k.tgz","path":"/w/tmp/in","archive":"auto"}' \
 *   node --import tsx lib/argo/import/s3-tool.ts
 * ```
 */
import { argoS3, type ArgoArchive } from '../../storage/argo-s3.ts'
import { StoreError } from '../../storage/errors.ts'
import type { S3StoreOptions } from '../../storage/s3-client.ts'

/** One request of the runner. @example const r: S3Request = { op: 'put', s3: { bucket: 'b' }, key: 'out.tgz', path: '/w/tmp/out', archive: 'tar' } */
export interface S3Request {
  readonly op: 'get' | 'put'
  readonly s3: S3StoreOptions
  readonly key: string
  readonly path: string
  readonly archive: ArgoArchive
}

const main = async (): Promise<void> => {
  const request = JSON.parse(process.env['DFLOW_ARGO_S3'] ?? '{}') as S3Request
  const s3 = argoS3({ ...request.s3, maxAttempts: 3, connectTimeoutMs: 3000 })
  try {
    if (request.op === 'get') await s3.get(request.key, request.path, request.archive)
    else await s3.put(request.path, request.key, request.archive === 'none' ? 'none' : 'tar')
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`)
    process.exitCode = e instanceof StoreError && e.reason === 'missing-key' ? 3 : 1
  } finally {
    await s3.close()
  }
}

void main()
