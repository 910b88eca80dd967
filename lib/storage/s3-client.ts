import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'

/**
 * How to reach an S3 bucket — what a user sets for MinIO, Ceph radosgw or AWS. Everything but `bucket` is
 * optional: left out, the AWS SDK's standard sources apply (the endpoint from `AWS_ENDPOINT_URL_S3` or
 * `AWS_ENDPOINT_URL`, the region from `AWS_REGION` or the profile, credentials from `AWS_ACCESS_KEY_ID` /
 * `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE` and `~/.aws/{credentials,config}`, SSO, web identity, …).
 *
 * @example
 * ```ts
 * // MinIO or Ceph on a host of its own: path-style addressing, us-east-1
 * const o: S3StoreOptions = { bucket: 'artifacts', prefix: 'runs/', endpoint: 'http://10.0.0.5:9000', forcePathStyle: true }
 * ```
 */
export interface S3StoreOptions {
  readonly bucket: string
  /** Put before every key (`runs/` → `runs/wf-1/hello/out.tgz`); a `/` is added when missing. */
  readonly prefix?: string
  /** `http://HOST:PORT` of MinIO or Ceph; AWS when left out (and no AWS_ENDPOINT_URL* is set). */
  readonly endpoint?: string
  /** Default `AWS_REGION` (or `AWS_DEFAULT_REGION`), else `us-east-1` (MinIO's default; radosgw refuses others). */
  readonly region?: string
  /** `http://HOST/BUCKET/KEY` instead of `http://BUCKET.HOST/KEY`: MinIO and Ceph need it. */
  readonly forcePathStyle?: boolean
  /** Explicit credentials; default the SDK's standard chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  /** A profile of `~/.aws/config` (default `AWS_PROFILE`). */
  readonly profile?: string
  /** Bytes per multipart part, at least 5 MiB (default 8 MiB); a file no larger is one PutObject. */
  readonly partSize?: number
  /** Parts uploaded at once (default 4); memory in use is about (queueSize + 1) × partSize. */
  readonly queueSize?: number
  /** Tries of one request, the first included (default 6): 5xx, throttling, resets and timeouts are retried with exponential backoff. */
  readonly maxAttempts?: number
  /** Base of the backoff in ms (default 200; the n-th retry waits up to base × 2^n, at most 10 s). */
  readonly retryBaseMs?: number
  /** Connecting may take this long (default 5 s). */
  readonly connectTimeoutMs?: number
  /** A request unanswered, or a socket silent, this long fails as a timeout and is retried (default 30 s). */
  readonly requestTimeoutMs?: number
  /**
   * What a download checks against the commit record (see {@link S3Verify}); default `'etag'`, or
   * `DFLOW_S3_VERIFY` through a store URL.
   */
  readonly verify?: S3Verify
}

/**
 * How a download is checked against its commit record. Either way a partial, missing or uncommitted object
 * is never read (the record is written last), and a gzip archive is checked by gzip's own CRC.
 *
 * - `'etag'` (the default): each object's length, and its ETag against the one the server gave when it was
 *   put — an object replaced or cut short after it was committed fails as `corrupt`. It costs nothing: S3
 *   computes and keeps the ETag, and the bytes are not hashed again.
 * - `'sha256'`: besides, every byte is hashed and compared with the record's digest — the check against a
 *   server that changes an object's bytes in place (silent corruption on its disks) — at the cost of a
 *   SHA-256 of everything downloaded (about 0.9 s of CPU per GiB on this project's machines).
 *
 * @example const o: S3StoreOptions = { bucket: 'artifacts', verify: 'sha256' }
 */
export type S3Verify = 'etag' | 'sha256'


type RetryStrategy = Exclude<NonNullable<S3ClientConfig['retryStrategy']>, { retry: unknown }>

/**
 * Retries throttling, transient (5xx 500–504, resets, refused connections, timeouts) and other 5xx errors
 * with exponential backoff (equal jitter: the n-th retry waits between half and all of base × 2^n, at most
 * 10 s, so that a few retries span a server's restart), up to `maxAttempts` tries; throttling waits at least a second.
 *
 * @example new S3Client({ retryStrategy: backoff(6, 200) })
 */
export const backoff = (maxAttempts: number, baseMs: number): RetryStrategy => {
  const token = (count: number, delay: number) => ({ getRetryCount: () => count, getRetryDelay: () => delay })
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (t, info) => {
      const n = t.getRetryCount() + 1
      if (n >= maxAttempts || info.errorType === 'CLIENT_ERROR') throw new Error('not retried')
      const cap = Math.min(10_000, baseMs * 2 ** n)
      const floor = info.errorType === 'THROTTLING' ? Math.min(1000, cap) : 0
      const wait = cap / 2 + (Math.random() * cap) / 2
      return token(n, Math.max(floor, wait))
    },
    recordSuccess: () => {},
  } as RetryStrategy
}

/**
 * The S3 client of a store: WHEN_REQUIRED checksums (the SDK's default aws-chunked CRC32 uploads are
 * stored framed by s3rver and refused by Ceph Pacific — reference/s3.md §4), timeouts on connecting and on
 * a silent socket (never a hang), the retry policy of {@link backoff}.
 *
 * @example const client = s3Client({ bucket: 'artifacts', endpoint: 'http://127.0.0.1:4568', forcePathStyle: true })
 */
export const s3Client = (o: S3StoreOptions): S3Client =>
  new S3Client({
    ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
    ...(o.credentials !== undefined && { credentials: o.credentials }),
    ...(o.profile !== undefined && { profile: o.profile }),
    region: o.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    forcePathStyle: o.forcePathStyle ?? false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: o.maxAttempts ?? 6,
    retryStrategy: backoff(o.maxAttempts ?? 6, o.retryBaseMs ?? 200),
    requestHandler: {
      connectionTimeout: o.connectTimeoutMs ?? 5000,
      requestTimeout: o.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true, // else the SDK only logs a warning and waits on
      socketTimeout: o.requestTimeoutMs ?? 30_000,
    },
  })

export { s3Place } from './s3-place.ts'
