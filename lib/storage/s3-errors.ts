import { StoreError, type StoreErrorReason } from './errors.ts'

interface SdkError {
  readonly name?: string
  readonly code?: string
  readonly message?: string
  readonly Code?: string
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number }
  readonly cause?: unknown
}

const codeOf = (e: SdkError, depth = 0): string | undefined =>
  e.code ?? (e.cause !== undefined && depth < 5 ? codeOf(e.cause as SdkError, depth + 1) : undefined)

/** Where a store is, for messages: `s3://BUCKET/PREFIX/ (bucket BUCKET at ENDPOINT)`. @example describe('s3://b/', 'b', 'http://127.0.0.1:9000') */
export const describeS3 = (id: string, bucket: string, endpoint: string | undefined): string =>
  `${id} (bucket ${JSON.stringify(bucket)} at ${endpoint ?? 'the AWS endpoint'})`

/**
 * Turns an error of the S3 SDK into a {@link StoreError} naming the store, bucket, endpoint and key, with
 * what went wrong, how many tries were made and what to check.
 *
 * @example
 * ```ts
 * try { await client.send(cmd) } catch (e) { throw s3Failure(e, where, 'wf/s/out', 'reading') }
 * ```
 */
export const s3Failure = (error: unknown, where: { id: string; bucket: string; endpoint: string | undefined }, key: string, doing: string): StoreError => {
  if (error instanceof StoreError) return error
  const e = (error ?? {}) as SdkError
  const name = e.name ?? e.Code ?? ''
  const status = e.$metadata?.httpStatusCode
  const code = codeOf(e)
  const tries = e.$metadata?.attempts !== undefined && e.$metadata.attempts > 1 ? ` after ${e.$metadata.attempts} tries` : ''
  const at = describeS3(where.id, where.bucket, where.endpoint)
  const make = (reason: StoreErrorReason, what: string, hint: string) =>
    new StoreError(reason, at, key, `${doing}: ${what}${tries}`, hint, { cause: error })
  if (name === 'NoSuchBucket') return make('missing-bucket', `the bucket ${JSON.stringify(where.bucket)} does not exist`, 'create it (aws s3 mb s3://BUCKET, mc mb) or fix the bucket in the store URL')
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return make('missing-key', 'no such key', 'check the key and the store')
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken', 'AuthorizationHeaderMalformed'].includes(name) || status === 403)
    return make('access-denied', `the server refused the credentials (${name || status})`, 'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and the key\'s rights on the bucket')
  if (name === 'CredentialsProviderError') return make('access-denied', `no credentials: ${e.message ?? ''}`, 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE')
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN')
    return make('unreachable', `no S3 server answers at the endpoint (${code})`, 'check the endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) and that the server runs')
  if (name === 'TimeoutError' || name === 'RequestTimeout' || code === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? ''))
    return make('timeout', `the server did not answer in time (${e.message ?? name})`, 'check that the endpoint is an S3 server and reachable; timeouts are set with connectTimeoutMs / requestTimeoutMs')
  if (status === 429 || name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException')
    return make('throttled', `the server kept throttling (${name || status})`, 'retry later, or lower queueSize')
  if (status !== undefined && status >= 500) return make('server-error', `the server failed (HTTP ${status} ${name})`, 'the server\'s log says why; retry later')
  if (code === 'ECONNRESET' || code === 'EPIPE') return make('unreachable', `the connection was reset (${code})`, 'check that the server runs and stays up')
  return make('failed', `${name ? `${name}: ` : ''}${e.message ?? String(error)}`, 'see the cause')
}
