/**
 * The S3 store under load and faults, against a real s3rver on loopback: a large file in parallel
 * multipart parts, server errors and throttling and connection resets injected by a stand-in proxy in
 * front of s3rver (s3rver itself never answers 5xx), an upload whose process is killed, and s3rver killed
 * mid-upload and started again on the same port.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { openSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { s3Store, StoreError, type S3StoreOptions } from '../../lib/storage/index.ts'
import { faultProxy, type Fault } from '../helpers/fault-proxy.ts'
import { until } from '../helpers/processes.ts'
import { restartMidUpload, startS3rver, S3RVER_CREDENTIALS, suiteS3rver } from '../helpers/s3rver.ts'

const test = suite('storage: S3 store under load and faults (s3rver, stand-in fault proxy)')
const { tmp, s3: upstream } = suiteS3rver(test, 's3-faults')
const MiB = 1024 * 1024
const options = (endpoint: string, more: Partial<S3StoreOptions> = {}): S3StoreOptions => ({
  bucket: 'artifacts',
  prefix: 'runs',
  endpoint,
  forcePathStyle: true,
  credentials: S3RVER_CREDENTIALS,
  partSize: 5 * MiB,
  queueSize: 4,
  retryBaseMs: 20,
  ...more,
})

/** A file of `mib` MiB of random bytes, and its sha256 computed as it is written. */
const bigFile = (name: string, mib: number): { path: string; digest: string } => {
  const path = join(tmp.path, name)
  const h = createHash('sha256')
  const fd = openSync(path, 'w')
  for (let i = 0; i < mib; i++) {
    const chunk = randomBytes(MiB)
    h.update(chunk)
    writeSync(fd, chunk)
  }
  closeSync(fd)
  return { path, digest: `sha256:${h.digest('hex')}` }
}
const big = bigFile('big.bin', 40)
const isPart = (method: string | undefined, url: string | undefined) => method === 'PUT' && /[?&]partNumber=/.test(url ?? '')
const parts = (seen: readonly string[]) => seen.filter((s) => /^PUT .*[?&]partNumber=/.test(s)).length
let n = 0
const dest = (name: string) => join(tmp.path, `got${n++}`, name)

for (const archive of ['none', 'tar'] as const)
  test(`a 40 MiB file goes up as 5 MiB parts, several at once, and comes back whole (archive ${archive})`, async () => {
    const proxy = await faultProxy(upstream().port, () => 'pass')
    const st = s3Store(options(proxy.endpoint))
    const { info } = await st.put(big.path, `wf/big/${archive}`, { archive })
    assert.is(info.digest, big.digest)
    if (archive === 'none') assert.is(parts(proxy.seen), 8)
    else assert.ok(parts(proxy.seen) >= 8, `${parts(proxy.seen)} parts`)
    assert.ok(proxy.maxInFlight() > 1, 'parts were uploaded in parallel')
    const to = dest('big.bin')
    assert.equal(await st.get(`wf/big/${archive}`, to), info)
    await st.close()
    await proxy.close()
  })

test('server errors and throttling on some parts are retried with backoff: the put succeeds', async () => {
  const faults: Fault[] = [{ status: 503, code: 'SlowDown' }, { status: 500, code: 'InternalError' }, { status: 429, code: 'TooManyRequests' }, { status: 502, code: 'BadGateway' }]
  const proxy = await faultProxy(upstream().port, (req) => (isPart(req.method, req.url) ? (faults.shift() ?? 'pass') : 'pass'))
  const st = s3Store(options(proxy.endpoint))
  const { info } = await st.put(big.path, 'wf/flaky/big', { archive: 'none' })
  assert.is(info.digest, big.digest)
  assert.is(faults.length, 0)
  assert.is(parts(proxy.seen), 12, 'each failed part was sent again')
  await st.get('wf/flaky/big', dest('big.bin'))
  await st.close()
  await proxy.close()
})

test('connection resets are retried: the put and the get succeed', async () => {
  let resets = 3
  const proxy = await faultProxy(upstream().port, () => (resets-- > 0 ? 'reset' : 'pass'))
  const st = s3Store(options(proxy.endpoint))
  const { info } = await st.put(big.path, 'wf/reset/big', { archive: 'none' })
  resets = 2
  assert.equal(await st.get('wf/reset/big', dest('big.bin')), info)
  await st.close()
  await proxy.close()
})

test('a server failing every try: the put fails as server-error after its tries, names bucket and key, aborts the multipart upload, commits nothing', async () => {
  const proxy = await faultProxy(upstream().port, (req) => (isPart(req.method, req.url) ? { status: 500, code: 'InternalError' } : 'pass'))
  const st = s3Store(options(proxy.endpoint, { maxAttempts: 3 }))
  const e = await st.put(big.path, 'wf/down/big', { archive: 'none' }).catch((x: unknown) => x)
  assert.instance(e, StoreError)
  assert.is((e as StoreError).reason, 'server-error', (e as Error).message)
  assert.match((e as Error).message, 'bucket "artifacts"')
  assert.match((e as Error).message, 'key "wf/down/big"')
  assert.match((e as Error).message, 'after 3 tries')
  assert.ok(proxy.seen.some((s) => /^DELETE .*uploadId=/.test(s)), 'AbortMultipartUpload was sent')
  assert.is(await st.exists('wf/down/big'), false)
  await st.close()
  await proxy.close()
})

test('server errors and throttling on reads are retried with backoff: the get succeeds', async () => {
  const st0 = s3Store(options(upstream().endpoint))
  const { info } = await st0.put(big.path, 'wf/flaky-get/big', { archive: 'none' })
  await st0.close()
  const faults: Fault[] = [{ status: 503, code: 'SlowDown' }, { status: 500, code: 'InternalError' }, { status: 429, code: 'TooManyRequests' }]
  // every GET fails once per fault: the commit record's and the object's reads both meet them
  const proxy = await faultProxy(upstream().port, (req) => (req.method === 'GET' ? (faults.shift() ?? 'pass') : 'pass'))
  const st = s3Store(options(proxy.endpoint))
  assert.equal(await st.get('wf/flaky-get/big', dest('big.bin')), info)
  assert.is(faults.length, 0)
  await st.close()
  await proxy.close()
})

test('a server throttling every try: the put fails as throttled after its tries, naming bucket and key, and commits nothing', async () => {
  const small = join(tmp.path, 'small.txt')
  writeFileSync(small, 'small\n')
  const proxy = await faultProxy(upstream().port, (req) => (req.method === 'PUT' ? { status: 503, code: 'SlowDown' } : 'pass'))
  const st = s3Store(options(proxy.endpoint, { maxAttempts: 3 }))
  const e = await st.put(small, 'wf/throttled/small').catch((x: unknown) => x)
  assert.instance(e, StoreError)
  assert.is((e as StoreError).reason, 'throttled', (e as Error).message)
  assert.match((e as Error).message, 'bucket "artifacts"')
  assert.match((e as Error).message, 'key "wf/throttled/small"')
  assert.match((e as Error).message, 'after 3 tries')
  assert.is(proxy.seen.filter((x) => x.startsWith('PUT ')).length, 3, 'three tries, then it gave up')
  assert.is(await st.exists('wf/throttled/small'), false)
  await st.close()
  await proxy.close()
})

test('a put stopped by its signal mid-upload aborts its multipart upload and commits nothing', async () => {
  const proxy = await faultProxy(upstream().port, () => 'pass')
  const st = s3Store(options(proxy.endpoint, { queueSize: 1 }))
  const ac = new AbortController()
  const put = st.put(big.path, 'wf/stopped/big', { archive: 'none', signal: ac.signal }).catch((x: unknown) => x)
  assert.ok(await until(() => parts(proxy.seen) >= 1, 30_000), 'the upload started')
  ac.abort()
  const e = await put
  assert.instance(e, StoreError)
  assert.ok(parts(proxy.seen) < 8, 'it stopped before the end')
  assert.ok(await until(() => proxy.seen.some((s) => /^DELETE .*uploadId=/.test(s))), 'AbortMultipartUpload was sent')
  assert.is(await st.exists('wf/stopped/big'), false)
  await st.close()
  await proxy.close()
})

test('an upload whose process is killed mid-way is never visible', async () => {
  const proxy = await faultProxy(upstream().port, () => 'pass')
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/s3-put.ts', import.meta.url)), proxy.endpoint, big.path, 'wf/killed/big'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  assert.ok(await until(() => parts(proxy.seen) >= 2, 30_000), 'the upload started')
  child.kill('SIGKILL')
  await new Promise((r) => child.on('exit', r))
  assert.is(out, '', 'killed before it finished')
  const st = s3Store(options(proxy.endpoint))
  assert.is(await st.exists('wf/killed/big'), false)
  const e = await st.get('wf/killed/big', dest('big.bin')).catch((x: unknown) => x)
  assert.is((e as StoreError).reason, 'missing-key')
  await st.close()
  await proxy.close()
})

test('s3rver killed mid-upload and started again on the same port: the put retries and succeeds, or fails naming the cause', async () => {
  const dir = join(tmp.path, 'restart-data')
  let server = await startS3rver(dir)
  const st = s3Store(options(server.endpoint, { queueSize: 2, maxAttempts: 8, retryBaseMs: 200 }))
  const put = st.put(big.path, 'wf/restart/big', { archive: 'none' }).then(
    (c) => ({ ok: true as const, c }),
    (e: unknown) => ({ ok: false as const, e }),
  )
  server = await restartMidUpload(server, dir, 'artifacts', 30_000)
  const r = await put
  if (r.ok) {
    assert.is(r.c.info.digest, big.digest)
    assert.equal(await st.get('wf/restart/big', dest('big.bin')), r.c.info)
  } else {
    assert.instance(r.e, StoreError)
    assert.match((r.e as Error).message, 'key "wf/restart/big"')
    assert.ok(['unreachable', 'server-error', 'timeout', 'failed'].includes((r.e as StoreError).reason), (r.e as Error).message)
    assert.is(await st.exists('wf/restart/big'), false)
  }
  await st.close()
  await server.stop()
})

test.run()
