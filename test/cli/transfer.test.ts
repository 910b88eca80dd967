/**
 * `dflow upload PATH… --store URL` (prints a REF) and `dflow download RUN_DIR STEP ARTIFACT -o DIR`, as
 * processes: to a folder store and to S3 (a real s3rver, configured through the environment as a user
 * configures MinIO), and from a run folder's records.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { local } from '../../lib/local/index.ts'
import { download, parseRef, s3Store } from '../../lib/storage/index.ts'
import { dflowWith } from '../helpers/cli.ts'
import { S3RVER_CREDENTIALS, s3rverEnv, suiteS3rver } from '../helpers/s3rver.ts'
import wf from '../../examples/steps.ts'

const test = suite('cli: dflow upload and dflow download')
const { tmp, s3: server } = suiteS3rver(test, 'cli-transfer')
const work = join(tmp.path, 'work')
mkdirSync(join(work, 'd'), { recursive: true })
writeFileSync(join(work, 'a.txt'), 'A')
writeFileSync(join(work, 'd', 'x.txt'), 'X')
const s3Env = () => s3rverEnv(server().endpoint)
const dflow = (env: Record<string, string>, ...args: string[]) => dflowWith(env, work, ...args)

test('dflow upload to a folder store prints a REF; download of the REF gives the paths back in order', async () => {
  const r = dflow({}, 'upload', 'd', 'a.txt', '--store', `file://${join(tmp.path, 'store')}`)
  assert.is(r.code, 0, r.err)
  const ref = r.out.trim()
  assert.match(ref, new RegExp(`^file://${join(tmp.path, 'store')}#upload/sha256-[0-9a-f]{32}$`))
  const to = join(tmp.path, 'in1')
  assert.equal(await download(parseRef(ref), to), [join(to, 'd'), join(to, 'a.txt')])
  assert.is(readFileSync(join(to, 'd', 'x.txt'), 'utf8'), 'X')
})

test('dflow upload to S3, configured by the standard environment, prints a REF that reads back from the bucket', async () => {
  const r = dflow(s3Env(), 'upload', 'a.txt', '--store', 's3://artifacts/uploads', '--archive', 'none')
  assert.is(r.code, 0, r.err)
  const ref = r.out.trim()
  assert.match(ref, /^s3:\/\/artifacts\/uploads\/upload\/sha256-[0-9a-f]{32}$/, 'the object itself (unarchived: no .tgz)')
  const st = s3Store({ bucket: 'artifacts', prefix: 'uploads', endpoint: server().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  const to = join(tmp.path, 'in2')
  assert.equal(await download(parseRef(ref), to, { store: st }), [join(to, 'a.txt')])
  const tar = dflow(s3Env(), 'upload', 'd', '--store', 's3://artifacts/uploads')
  assert.match(tar.out.trim(), /^s3:\/\/artifacts\/uploads\/upload\/sha256-[0-9a-f]{32}\.tgz$/, 'a tar archive: the .tgz object Argo reads')
  await st.close()
})

test('dflow upload: a wrong access key fails naming the bucket and the credentials to check (exit 2, no REF)', () => {
  const r = dflow({ ...s3Env(), AWS_ACCESS_KEY_ID: 'WRONG' }, 'upload', 'a.txt', '--store', 's3://artifacts/uploads')
  assert.is(r.code, 2)
  assert.is(r.out, '')
  assert.match(r.err, 'bucket "artifacts"')
  assert.match(r.err, 'AWS_ACCESS_KEY_ID')
})

test('dflow download writes a step output artifact of a run folder; an unknown step or artifact is named (exit 1)', async () => {
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(wf)
  assert.is(run.status, 'Succeeded')
  const out = join(tmp.path, 'out')
  const r = dflow({}, 'download', run.dir, 'hello3', 'bar', '-o', out)
  assert.is(r.code, 0, r.err)
  assert.is(r.out.trim(), join(out, 'bar'))
  assert.is(readFileSync(join(out, 'bar'), 'utf8'), readFileSync((run.step('hello3').outputs['bar'] as { path: string }).path, 'utf8'))
  const noArt = dflow({}, 'download', run.dir, 'hello3', 'nope', '-o', out)
  assert.is(noArt.code, 1)
  assert.match(noArt.err, 'step "hello3" has no output artifact "nope" (it has: bar')
  const noStep = dflow({}, 'download', run.dir, 'nostep', 'bar', '-o', out)
  assert.is(noStep.code, 1)
  assert.match(noStep.err, 'no step matches "nostep"')
})

test.run()
