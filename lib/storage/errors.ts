import { DflowError, problem } from '../../dsl/problem.ts'

/**
 * Why a store operation failed, as data a caller can branch on:
 * `missing-key` (nothing committed under the key), `missing-bucket`, `access-denied` (wrong or missing
 * credentials), `unreachable` (no server at the endpoint), `timeout`, `server-error` (5xx after every retry),
 * `throttled` (429/SlowDown after every retry), `corrupt` (content does not match its committed digest),
 * `unsafe-archive` (a tar entry would land outside its target), `local` (a local file operation), `failed`.
 *
 * @example
 * ```ts
 * if (e instanceof StoreError && e.reason === 'missing-key') …
 * ```
 */
export type StoreErrorReason =
  | 'missing-key'
  | 'missing-bucket'
  | 'access-denied'
  | 'unreachable'
  | 'timeout'
  | 'server-error'
  | 'throttled'
  | 'corrupt'
  | 'unsafe-archive'
  | 'local'
  | 'failed'

/**
 * A failed store operation. Its problem path is the store (with the bucket and endpoint for S3) and its
 * message names the key, what went wrong and how to fix it.
 *
 * @example
 * ```ts
 * new StoreError('missing-key', 's3://artifacts/runs/', 'wf/s/out', 'nothing is committed under this key', 'check the key')
 * // message: 's3://artifacts/runs/: key "wf/s/out": nothing is committed under this key (hint: check the key)'
 * ```
 */
export class StoreError extends DflowError {
  constructor(
    readonly reason: StoreErrorReason,
    readonly store: string,
    readonly key: string,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super([problem([store], `key ${JSON.stringify(key)}: ${message}`, hint)])
    this.name = 'StoreError'
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** The error for a key with nothing committed under it. @example throw missing('s3://b/', 'wf/s/out') */
export const missing = (store: string, key: string): StoreError =>
  new StoreError('missing-key', store, key, 'nothing is committed under this key', 'check the key and the store; an upload that did not finish commits nothing')
