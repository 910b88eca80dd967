/**
 * The local interpreter on an artifact store (`local({ store })`) with S3 (a real s3rver on loopback):
 * every output artifact committed under RUN/STEP/NAME with its digest in the object's metadata, records
 * holding locations, inputs staged from the bucket; fan-in of artifacts stacked in the bucket (and in a
 * folder store) under RUN/FANOUT/OUTPUT; workflow artifacts given as REFs; and a store that fails (missing
 * bucket, wrong access key, nothing listening) ends the step Error naming store, bucket and key, without
 * hanging. The folder store's own run tests are in artifact-locations.test.ts.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { local } from '../../lib/local/index.ts'
import { download, folderStore, formatRef, parseRef, s3Store, type ArtifactLocation, type ArtifactStore, type S3StoreOptions } from '../../lib/storage/index.ts'
import { S3RVER_CREDENTIALS, s3rverEnv, suiteS3rver } from '../helpers/s3rver.ts'
import wf from '../../examples/steps.ts'
import fanIn from '../../examples/artifacts/fan-in.ts'
import wfArtifacts from '../../examples/artifacts/workflow-artifacts.ts'

const test = suite('local: runs on an S3 store (s3rver): outputs, fan-in, workflow artifacts, failures')
const { tmp, s3 } = suiteS3rver(test, 'local-stores')
const options = (more: Partial<S3StoreOptions> = {}): S3StoreOptions => ({ bucket: 'artifacts', prefix: 'runs', endpoint: s3().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, ...more })
const FOUR = 'Hello\n'.repeat(4)
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`
const at = (v: unknown) => v as ArtifactLocation

test('S3: outputs are objects under RUN/STEP/NAME with the digest in their metadata; inputs are staged from the bucket; download gives them back', async () => {
  const store = s3Store(options())
  const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(wf, { runId: 's3-steps' })
  assert.is(run.status, 'Succeeded', run.message)
  const bar = at(run.step('hello3').outputs['bar'])
  assert.equal({ store: bar.store, key: bar.key, path: bar.path }, { store: 's3://artifacts/runs/', key: 's3-steps/hello3/bar', path: undefined })
  const raw = new S3Client({ endpoint: s3().endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  const head = await raw.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'runs/s3-steps/hello3/bar.tgz' }))
  assert.is(head.Metadata?.['dflow-digest'], sha(FOUR))
  raw.destroy()
  assert.is(at(run.step('hello3').record.inputs.artifacts['foo']).key, 's3-steps/hello1/bar', "hello3's input is hello1's committed output")
  assert.ok(existsSync(join(run.dir, 'steps', 'hello3', 'inputs', 'artifacts', 'foo')), 'the input was fetched from the bucket into the step folder')
  const got = await download(bar, join(tmp.path, 'got'), { store })
  assert.is(readFileSync(got as string, 'utf8'), FOUR)
  await store.close()
})

const stackedParts = async (store: ArtifactStore, key: string, to: string) => {
  await store.get(key, to)
  return readdirSync(to).sort()
}

for (const [kind, open] of [
  ['S3', () => s3Store(options())],
  ['folder store', () => folderStore(join(tmp.path, 'fan-store'))],
] as const)
  test(`fan-in on the ${kind}: the calls' artifacts are stacked under the fan-out's key RUN/FANOUT/OUTPUT (entries by index, a dflow catalog) and the reader gets them`, async () => {
    const store = open()
    const runId = `fan-${kind === 'S3' ? 's3' : 'folder'}`
    const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(fanIn, { runId })
    assert.is(run.status, 'Succeeded', run.message)
    assert.is(run.step('total').outputs['sum'], 30)
    const stacked = at(run.step('total').record.inputs.artifacts['parts'])
    assert.equal({ store: stacked.store, key: stacked.key }, { store: store.id, key: `${runId}/square/out` })
    const to = join(tmp.path, `stacked-${runId}`)
    assert.equal(await stackedParts(store, `${runId}/square/out`, to), ['.dflow', '0', '1', '2', '3'])
    assert.is(readFileSync(join(to, '3'), 'utf8'), '16\n')
    assert.is(readFileSync(join(to, '.dflow', 'catalog'), 'utf8'), '{"path_list": [{"dflow_list_item": "0", "order": 0}, {"dflow_list_item": "1", "order": 1}, {"dflow_list_item": "2", "order": 2}, {"dflow_list_item": "3", "order": 3}]}')
    await store.close()
  })

test('workflow artifacts on S3: a REF of the bucket outside the run store prefix is read from it; a REF to a missing key ends the step Error naming it', async () => {
  const input = join(tmp.path, 'five.txt')
  writeFileSync(input, '1\n2\n3\n4\n5\n')
  const uploads = s3Store(options({ prefix: 'uploads' }))
  const { at: put, info } = await uploads.put(input, 'five')
  await uploads.close()
  const ref = formatRef(put, info.archive)
  assert.is(ref, 's3://artifacts/uploads/five.tgz')
  // s3://artifacts/ is not the run's store (s3://artifacts/runs/): it is opened from the environment, as a user sets it for MinIO
  const env = s3rverEnv(s3().endpoint)
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    const store = s3Store(options())
    const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(wfArtifacts, { artifacts: { data: parseRef(ref) } })
    assert.is(run.status, 'Succeeded', run.message)
    assert.is(run.step('count').record.outputs.parameters['lines'], '5')
    const missing = await local({ runsDir: join(tmp.path, 'runs'), store }).run(wfArtifacts, { artifacts: { data: parseRef('s3://artifacts/uploads/never.tgz') } })
    assert.is(missing.status, 'Failed')
    assert.match(missing.step('count').message ?? '', 'key "uploads/never"')
    assert.match(missing.step('count').message ?? '', 'bucket "artifacts"')
    await store.close()
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  }
})

const failsNaming = async (store: ArtifactStore, ...want: string[]) => {
  const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(wf, { runId: `fails-${Math.random().toString(16).slice(2, 8)}` })
  assert.is(run.status, 'Failed')
  const h0 = run.step('hello0')
  assert.is(h0.phase, 'Error')
  for (const w of [`key "${run.id}/hello0/bar"`, 'could not commit the outputs to s3://', ...want]) assert.match(h0.message ?? '', w)
  assert.equal(run.steps().map((s) => s.id), ['hello0'], 'nothing after it ran')
  await store.close()
}

test('a missing bucket: the step ends Error naming the bucket and the key', async () => {
  await failsNaming(s3Store(options({ bucket: 'no-such-bucket' })), 'bucket "no-such-bucket"', 'does not exist')
})

test('a wrong access key: the step ends Error naming the bucket and the credentials to check', async () => {
  await failsNaming(s3Store(options({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'S3RVER' } })), 'bucket "artifacts"', 'AWS_ACCESS_KEY_ID')
})

test('an endpoint where nothing listens: the step ends Error naming it after its tries, not a hang', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  await failsNaming(s3Store(options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2, retryBaseMs: 10 })), `http://127.0.0.1:${port}`)
})

test.run()
