import type { S3StoreOptions } from './s3-client.ts'

/**
 * Where an S3 store's objects are, from its options: the key prefix (ending in `/` unless empty), the store's id
 * (`s3://BUCKET/PREFIX`), the endpoint (the option, else `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`) and the
 * place its errors name.
 *
 * @example
 * ```ts
 * s3Place({ bucket: 'artifacts', prefix: 'runs' }).id // 's3://artifacts/runs/'
 * ```
 */
export const s3Place = (o: S3StoreOptions) => {
  const prefix = o.prefix === undefined || o.prefix === '' || o.prefix.endsWith('/') ? (o.prefix ?? '') : `${o.prefix}/`
  const id = `s3://${o.bucket}/${prefix}`
  const endpoint = o.endpoint ?? process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL']
  return { prefix, id, endpoint, where: { id, bucket: o.bucket, endpoint } }
}
