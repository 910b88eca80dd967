import { DflowError, problem } from '../../dsl/problem.ts'
import { folderStore } from './folder-store.ts'
import type { S3StoreOptions, S3Verify } from './s3-client.ts'
import { lazyS3Store } from './s3-lazy.ts'
import type { ArtifactStore } from './store.ts'
import { fileURLToPath } from 'node:url'

/** What a store URL names: a folder or an S3 bucket with its client settings. @example { kind: 'folder', dir: '/runs/store' } */
export type StoreConfig = { readonly kind: 'folder'; readonly dir: string } | ({ readonly kind: 's3' } & S3StoreOptions)

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/**
 * Reads a store URL as the CLI's `--store` takes it: `file:///DIR` (an absolute folder) or
 * `s3://BUCKET/PREFIX`, with the rest from the environment as the AWS tools read it — the endpoint from
 * `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (AWS when neither is set); path-style addressing with
 * `DFLOW_S3_PATH_STYLE=1` (MinIO, Ceph); what a download checks with `DFLOW_S3_VERIFY` (`etag`, the
 * default, or `sha256`: {@link S3Verify}); the region from `AWS_REGION`; credentials are left to the SDK's
 * standard chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, `~/.aws`). Pure: the
 * environment is an argument. A URL of any other form is a {@link DflowError} saying which forms exist.
 *
 * @example
 * ```ts
 * parseStoreUrl('s3://artifacts/runs', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', DFLOW_S3_PATH_STYLE: '1' })
 * // { kind: 's3', bucket: 'artifacts', prefix: 'runs/', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true }
 * parseStoreUrl('file:///runs/store', {}) // { kind: 'folder', dir: '/runs/store' }
 * ```
 */
export const parseStoreUrl = (url: string, env: Readonly<Record<string, string | undefined>>): StoreConfig => {
  const refuse = (why: string): never => {
    throw new DflowError([problem(['store'], `${JSON.stringify(url)}: ${why}`, 'use s3://BUCKET/PREFIX or file:///ABSOLUTE/DIR')])
  }
  if (url.startsWith('file:')) {
    if (!url.startsWith('file:///')) refuse('a file URL names an absolute folder on this machine: file:///DIR (three slashes)')
    const dir = fileURLToPath(url).replace(/\/+$/, '') || '/'
    return { kind: 'folder', dir }
  }
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url)
  if (m === null) return refuse('not a store URL')
  const bucket = m[1] ?? ''
  if (!BUCKET.test(bucket)) refuse(`${JSON.stringify(bucket)} is not a bucket name (3–63 lowercase letters, digits, "." and "-")`)
  const raw = (m[2] ?? '').replace(/^\/+/, '')
  const prefix = raw === '' || raw.endsWith('/') ? raw : `${raw}/`
  if (prefix.split('/').slice(0, -1).some((s) => s === '' || s === '.' || s === '..')) refuse(`the prefix ${JSON.stringify(raw)} has an empty, "." or ".." segment`)
  const endpoint = env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || undefined
  const verify = env['DFLOW_S3_VERIFY'] || undefined
  if (verify !== undefined && verify !== 'etag' && verify !== 'sha256')
    throw new DflowError([problem(['DFLOW_S3_VERIFY'], `${JSON.stringify(verify)} is not a way to check downloads`, 'set DFLOW_S3_VERIFY to etag (the default) or sha256, or unset it')])
  return {
    kind: 's3',
    bucket,
    prefix,
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && { region }),
    forcePathStyle: env['DFLOW_S3_PATH_STYLE'] === '1',
    ...(verify !== undefined && { verify: verify as S3Verify }),
  }
}

/**
 * Opens the store a URL names (see {@link parseStoreUrl}).
 *
 * @example
 * ```ts
 * const store = openStore('s3://artifacts/runs', process.env)
 * ```
 */
export const openStore = (url: string, env: Readonly<Record<string, string | undefined>>): ArtifactStore => {
  const c = parseStoreUrl(url, env)
  if (c.kind === 'folder') return folderStore(c.dir)
  const { kind: _, ...options } = c
  return lazyS3Store(options)
}
