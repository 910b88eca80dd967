/** Store URLs (lib/storage/store-url.ts): `s3://BUCKET/PREFIX` and `file:///DIR`, the rest from the AWS environment. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'
import { openStore, parseStoreUrl } from '../../lib/storage/index.ts'

const test = suite('storage: store URLs')

test('s3://BUCKET/PREFIX takes the endpoint, path style and region from the environment as the AWS tools do', () => {
  assert.equal(parseStoreUrl('s3://artifacts/runs', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ENDPOINT_URL: 'http://other:1', DFLOW_S3_PATH_STYLE: '1', AWS_REGION: 'eu-west-1' }), {
    kind: 's3',
    bucket: 'artifacts',
    prefix: 'runs/',
    endpoint: 'http://127.0.0.1:9000',
    region: 'eu-west-1',
    forcePathStyle: true,
  })
  assert.equal(parseStoreUrl('s3://artifacts', { AWS_ENDPOINT_URL: 'http://ceph:7480' }), { kind: 's3', bucket: 'artifacts', prefix: '', endpoint: 'http://ceph:7480', forcePathStyle: false })
  assert.equal(parseStoreUrl('s3://my.bucket/a/b/', {}), { kind: 's3', bucket: 'my.bucket', prefix: 'a/b/', forcePathStyle: false })
})

test('DFLOW_S3_VERIFY picks how downloads are checked; another value is refused, naming the variable', () => {
  assert.equal(parseStoreUrl('s3://artifacts', { DFLOW_S3_VERIFY: 'sha256' }), { kind: 's3', bucket: 'artifacts', prefix: '', forcePathStyle: false, verify: 'sha256' })
  assert.not.ok('verify' in parseStoreUrl('s3://artifacts', { DFLOW_S3_VERIFY: '' }))
  assert.throws(
    () => parseStoreUrl('s3://artifacts', { DFLOW_S3_VERIFY: 'md5' }),
    (e: unknown) => e instanceof DflowError && e.message.includes('DFLOW_S3_VERIFY') && e.message.includes('etag (the default) or sha256'),
  )
})

test('file:///DIR is the folder store', () => {
  assert.equal(parseStoreUrl('file:///runs/store/', {}), { kind: 'folder', dir: '/runs/store' })
  assert.is(openStore('file:///runs/store', {}).id, 'file:///runs/store')
  assert.is(openStore('s3://artifacts/p', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }).id, 's3://artifacts/p/')
})

test('anything else is refused, saying which forms exist', () => {
  for (const url of ['s3:/artifacts', 'http://x/y', 'file://host/dir', 'file:relative', 's3://UPPER/x', 's3://ab', 's3://artifacts/a//b', 's3://artifacts/../x', 'artifacts'])
    assert.throws(
      () => parseStoreUrl(url, {}),
      (e: unknown) => e instanceof DflowError && /s3:\/\/BUCKET\/PREFIX or file:\/\/\/ABSOLUTE\/DIR/.test(e.message),
      url,
    )
})

test.run()
