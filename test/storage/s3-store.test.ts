/**
 * The S3 store (lib/storage/s3-store.ts) against a real s3rver on loopback: put and get of files and
 * folders in both archive modes, the digest in object metadata, commit records (a partial or corrupt object
 * is never read as an artifact), and errors that name the store, bucket and key.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { dirname, join } from 'node:path'
import { folderStore, s3Store, StoreError, treeDigest, walkTree, type S3StoreOptions } from '../../lib/storage/index.ts'
import { rawTgz } from '../helpers/raw-tar.ts'
import { startS3rver, S3RVER_CREDENTIALS, type S3rver } from '../helpers/s3rver.ts'
import { artifactSources, HELLO_SHA256 } from '../helpers/artifact-sources.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: S3 store (s3rver)')
const tmp = tempDir('s3-store')
let s3: S3rver
let raw: S3Client
const options = (more: Partial<S3StoreOptions> = {}): S3StoreOptions => ({
  bucket: 'artifacts',
  prefix: 'runs',
  endpoint: s3.endpoint,
  forcePathStyle: true,
  credentials: S3RVER_CREDENTIALS,
  ...more,
})
const store = () => s3Store(options())
test.before(async () => {
  s3 = await startS3rver(join(tmp.path, 'data'))
  raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' })
})
test.after(async () => {
  raw.destroy()
  await s3.stop()
  tmp.cleanup()
})
const src = artifactSources(join(tmp.path, 'src'))
let n = 0
const dest = (name: string) => join(tmp.path, `got${n++}`, name)
const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.unreachable('it should have failed'),
    (e: unknown) => {
      assert.instance(e, StoreError)
      return e as StoreError
    },
  ) as Promise<StoreError>

for (const archive of ['tar', 'none'] as const) {
  test(`archive ${archive}: a file goes up and comes back with its sha256, in the object's metadata too`, async () => {
    const st = store()
    const { at, info } = await st.put(join(src, 'hello.txt'), `wf-1/${archive}/bar`, { archive })
    assert.equal(info, { kind: 'file', archive, size: 6, digest: HELLO_SHA256 })
    assert.is(at.store, 's3://artifacts/runs/')
    assert.is(at.path, undefined)
    const head = await raw.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: `runs/wf-1/${archive}/bar${archive === 'tar' ? '.tgz' : ''}` }))
    assert.is(head.Metadata?.['dflow-digest'], HELLO_SHA256)
    const to = dest('bar.txt')
    assert.equal(await st.get(at, to), info)
    assert.is(readFileSync(to, 'utf8'), 'hello\n')
    await st.close()
  })

  test(`archive ${archive}: a folder comes back as the same tree (empty folder, executable), with the folder store's digest`, async () => {
    const st = store()
    const { info } = await st.put(join(src, 'out'), `wf-1/${archive}/out`, { archive })
    const local = await folderStore(join(tmp.path, 'fs')).put(join(src, 'out'), `x/${archive}`)
    assert.is(info.digest, local.info.digest, 'one content digest whatever the store')
    const to = dest('out')
    await st.get(`wf-1/${archive}/out`, to)
    assert.ok(existsSync(join(to, 'sub', 'empty')))
    assert.ok((statSync(join(to, 'sub', 'run.sh')).mode & 0o100) !== 0, 'still executable')
    assert.is(treeDigest(await walkTree(to)), info.digest)
    await st.close()
  })
}

test('the tar object is Argo-shaped: one top-level entry named after the file or folder', async () => {
  const st = store()
  await st.put(join(src, 'out'), 'wf-1/shape/out')
  const r = await raw.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'runs/wf-1/shape/out.tgz' }))
  const bytes = Buffer.from(await (r.Body as { transformToByteArray: () => Promise<Uint8Array> }).transformToByteArray())
  const { list } = await import('tar')
  const names: string[] = []
  const { Readable } = await import('node:stream')
  await new Promise<void>((resolve, reject) => Readable.from([bytes]).pipe(list({ onReadEntry: (e) => names.push(e.path) })).on('end', resolve).on('error', reject))
  assert.ok(names.every((p) => p === 'out/' || p.startsWith('out/')), names.join(' '))
  await st.close()
})

test('a missing key: stat is undefined, get fails as missing-key naming the bucket and the key, and creates nothing', async () => {
  const st = store()
  assert.is(await st.stat('wf-1/none'), undefined)
  assert.is(await st.exists('wf-1/none'), false)
  const to = dest('none')
  const e = await failure(st.get('wf-1/none', to))
  assert.is(e.reason, 'missing-key')
  assert.match(e.message, 's3://artifacts/runs/ (bucket "artifacts" at http://127.0.0.1:')
  assert.match(e.message, 'key "wf-1/none"')
  assert.not.ok(existsSync(to))
  await st.close()
})

test('an object without its commit record (a killed upload, a partial object a server left) is not an artifact', async () => {
  await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'runs/wf-1/partial/out.tgz', Body: 'half an archi' }))
  await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'runs/wf-1/partial/file', Body: 'half' }))
  const st = store()
  assert.is(await st.exists('wf-1/partial/out'), false)
  assert.is(await st.exists('wf-1/partial/file'), false)
  assert.is((await failure(st.get('wf-1/partial/out', dest('x')))).reason, 'missing-key')
  await st.close()
})

test('a committed object replaced on the server (another put under its key) fails as corrupt by its ETag, and nothing lands at the target', async () => {
  const st = store()
  for (const archive of ['tar', 'none'] as const) {
    await st.put(join(src, 'hello.txt'), `wf-1/cut/${archive}`, { archive })
    const key = `runs/wf-1/cut/${archive}${archive === 'tar' ? '.tgz' : ''}`
    const body = archive === 'tar' ? rawTgz([{ path: 'hello.txt', body: 'hell' }]) : 'hell'
    await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: body }))
    const to = dest('bar')
    const e = await failure(st.get(`wf-1/cut/${archive}`, to))
    assert.is(e.reason, 'corrupt', e.message)
    assert.match(e.message, 'is not the object committed')
    assert.not.ok(existsSync(to))
  }
  await st.put(join(src, 'out'), 'wf-1/cut/folder', { archive: 'none' })
  await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'runs/wf-1/cut/folder/a.txt', Body: 'A' }))
  const e = await failure(st.get('wf-1/cut/folder', dest('folder')))
  assert.is(e.reason, 'corrupt', e.message)
  assert.match(e.message, '"runs/wf-1/cut/folder/a.txt" is not the object committed')
  await st.close()
})

/** s3rver's own file of an object: changed behind the server's back, its ETag (kept apart) stays. */
const onDisk = (key: string) => join(tmp.path, 'data', 'artifacts', ...key.split('/').slice(0, -1), `${key.split('/').pop()}._S3rver_object`)

test('an object cut short on the server fails as corrupt by its length, an archive by gzip\'s check, and nothing lands at the target', async () => {
  const st = store()
  await st.put(join(src, 'hello.txt'), 'wf-1/short/none', { archive: 'none' })
  writeFileSync(onDisk('runs/wf-1/short/none'), 'hel')
  const to = dest('short')
  const e = await failure(st.get('wf-1/short/none', to))
  assert.is(e.reason, 'corrupt', e.message)
  assert.match(e.message, 'holds 3 bytes, its record')
  assert.not.ok(existsSync(to))
  await st.put(join(src, 'out'), 'wf-1/short/tar')
  const tgz = readFileSync(onDisk('runs/wf-1/short/tar.tgz'))
  writeFileSync(onDisk('runs/wf-1/short/tar.tgz'), tgz.subarray(0, tgz.length - 9)) // gzip's trailer (CRC, length) cut
  const cut = dest('out')
  const e2 = await failure(st.get('wf-1/short/tar', cut)) // not retried: the same bytes would come again
  assert.is(e2.reason, 'corrupt', e2.message)
  assert.match(e2.message, 'the archive is damaged or cut short (zlib: unexpected end of file)')
  assert.not.ok(existsSync(cut))
  assert.equal(readdirSync(dirname(cut)), [])
  await st.close()
})

test('bytes changed in place on the server: the etag check does not hash them again, verify sha256 does and fails as corrupt (in line and behind the writer)', async () => {
  const big = join(tmp.path, 'big-flip.bin')
  const bytes = randomBytes(9 * 1024 * 1024 + 3)
  writeFileSync(big, bytes)
  const st = store()
  await st.put(join(src, 'hello.txt'), 'wf-1/flip/small', { archive: 'none' })
  await st.put(big, 'wf-1/flip/big', { archive: 'none' })
  const small = readFileSync(onDisk('runs/wf-1/flip/small'))
  small.writeUInt8(small.readUInt8(1) ^ 1, 1)
  writeFileSync(onDisk('runs/wf-1/flip/small'), small)
  bytes.writeUInt8(bytes.readUInt8(5 * 1024 * 1024) ^ 1, 5 * 1024 * 1024) // one bit, past the first reads, same size
  writeFileSync(onDisk('runs/wf-1/flip/big'), bytes)
  const got = dest('small')
  await st.get('wf-1/flip/small', got) // the documented trade-off of the default
  assert.ok(readFileSync(got).equals(small))
  await st.close()
  const sure = s3Store(options({ verify: 'sha256' }))
  for (const k of ['small', 'big']) {
    const to = dest(k)
    const e = await failure(sure.get(`wf-1/flip/${k}`, to))
    assert.is(e.reason, 'corrupt', e.message)
    assert.match(e.message, 'does not match its committed digest')
    assert.not.ok(existsSync(to))
  }
  await sure.close()
})

test('a large object comes back whole in both modes, its ETag in the commit record', async () => {
  const big = join(tmp.path, 'big.bin')
  const bytes = randomBytes(9 * 1024 * 1024 + 3)
  writeFileSync(big, bytes)
  for (const verify of ['etag', 'sha256'] as const) {
    const st = s3Store(options({ verify }))
    const { info } = await st.put(big, `wf-1/big/${verify}`, { archive: 'none' })
    assert.is(info.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`)
    const to = dest('big')
    await st.get(`wf-1/big/${verify}`, to)
    assert.ok(readFileSync(to).equals(bytes))
    const record = JSON.parse(await (await raw.send(new GetObjectCommand({ Bucket: 'artifacts', Key: `runs/wf-1/big/${verify}.dflow-commit.json` }))).Body!.transformToString())
    const head = await raw.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: `runs/wf-1/big/${verify}` }))
    assert.is(record.etag, head.ETag)
    await st.close()
  }
})

test('a committed archive holding a path outside its target is refused as unsafe-archive', async () => {
  const st = store()
  await st.put(join(src, 'out'), 'wf-1/evil/out')
  writeFileSync(onDisk('runs/wf-1/evil/out.tgz'), rawTgz([{ path: 'out/../../evil.txt', body: 'x' }])) // in place: its ETag stays the committed one
  const to = dest('out')
  const e = await failure(st.get('wf-1/evil/out', to))
  assert.is(e.reason, 'unsafe-archive')
  assert.match(e.message, 'tar entry "out/../../evil.txt"')
  assert.not.ok(existsSync(join(to, '..', '..', 'evil.txt')))
  await st.close()
})

test('a wrong access key fails as access-denied, naming the bucket and the key, with the credentials to check', async () => {
  const st = s3Store(options({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'S3RVER' } }))
  const e = await failure(st.put(join(src, 'hello.txt'), 'wf-1/denied/bar'))
  assert.is(e.reason, 'access-denied')
  assert.match(e.message, 'bucket "artifacts"')
  assert.match(e.message, 'key "wf-1/denied/bar"')
  assert.match(e.message, 'AWS_ACCESS_KEY_ID')
  await st.close()
})

test('a missing bucket fails as missing-bucket on put and on stat', async () => {
  const st = s3Store(options({ bucket: 'no-such-bucket' }))
  const e = await failure(st.put(join(src, 'hello.txt'), 'wf-1/b/bar'))
  assert.is(e.reason, 'missing-bucket')
  assert.match(e.message, 'the bucket "no-such-bucket" does not exist')
  assert.is((await failure(st.stat('wf-1/b/bar'))).reason, 'missing-bucket')
  await st.close()
})

test('an endpoint where nothing listens fails as unreachable, naming it', async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
  const st = s3Store(options({ endpoint: `http://127.0.0.1:${closed}`, maxAttempts: 2, retryBaseMs: 10 }))
  const e = await failure(st.stat('wf-1/x'))
  assert.is(e.reason, 'unreachable')
  assert.match(e.message, `at http://127.0.0.1:${closed}`)
  assert.match(e.message, 'after 2 tries')
  await st.close()
})

test('an endpoint that accepts and never answers fails as a timeout, not a hang', async () => {
  const sockets: import('node:net').Socket[] = []
  const silent: Server = await new Promise((resolve) => {
    const s = createServer((c) => sockets.push(c)).listen(0, '127.0.0.1', () => resolve(s))
  })
  const port = (silent.address() as { port: number }).port
  const st = s3Store(options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2, retryBaseMs: 10, requestTimeoutMs: 300 }))
  const e = await failure(st.put(join(src, 'hello.txt'), 'wf-1/t/bar'))
  assert.is(e.reason, 'timeout', e.message)
  await st.close()
  for (const c of sockets) c.destroy()
  await new Promise((r) => silent.close(r))
})

test.run()
