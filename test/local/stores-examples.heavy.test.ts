/**
 * Every example (test/helpers/examples.ts) run locally on the folder store and on S3 (a real s3rver) gives
 * the same outputs: the same status, and for every step the same phase, parameters and content digest of
 * every artifact it read and wrote (fan-in stacks included), under the same keys. And s3rver killed while a
 * run's step uploads its output, then started again on the same port: the step's upload retries and the run
 * succeeds, or the step fails naming the cause — never an uncommitted artifact read by a later step.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { artifact, seq, sh, shell, step, stdout, t, workflow } from 'dflow-ts'
import { local, type Run } from '../../lib/local/index.ts'
import { folderStore, s3Store, type ArtifactLocation, type ArtifactStore } from '../../lib/storage/index.ts'
import { exampleArtifacts, exampleFiles, exampleName, loadExample } from '../helpers/examples.ts'
import { restartMidUpload, S3RVER_CREDENTIALS, startS3rver, suiteS3rver } from '../helpers/s3rver.ts'

const test = suite('local: every example gives the same outputs on the folder store and on S3; s3rver restarted mid-upload')
const { tmp, s3 } = suiteS3rver(test, 'stores-examples')
const s3Options = (endpoint: string) => ({ bucket: 'artifacts', prefix: 'ex', endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })

/** An artifact as store-independent text: its key and digest in the run's store, or the path of a file left where it is. */
const described = async (store: ArtifactStore, at: ArtifactLocation | null): Promise<string | null> => {
  if (at === null) return null
  if (at.store !== store.id) return `file ${at.path ?? at.key}`
  return `${at.key} ${(await store.stat(at))?.digest ?? 'uncommitted'}`
}

/** What a run produced, store-independently: status, and per step its phase, parameters and artifacts in and out. */
const outcome = async (run: Run, store: ArtifactStore) => {
  const steps: Record<string, unknown> = {}
  for (const s of [...run.steps()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const artifacts: Record<string, string | null> = {}
    for (const [side, io] of [['in', s.record.inputs], ['out', s.record.outputs]] as const)
      for (const [k, at] of Object.entries(io.artifacts)) artifacts[`${side} ${k}`] = await described(store, at)
    steps[s.id] = { phase: s.phase, parameters: s.record.outputs.parameters, artifacts }
  }
  return { status: run.status, steps }
}

for (const file of exampleFiles()) {
  const name = exampleName(file).replace(/^examples\//, '').replace(/\.ts$/, '').replace(/\//g, '-')
  test(`${exampleName(file)}: the same outputs on the folder store and on S3`, async () => {
    const wf = await loadExample(file)
    const folder = folderStore(join(tmp.path, 'store'))
    const onS3Store = s3Store(s3Options(s3().endpoint))
    const artifacts = exampleArtifacts(wf, tmp.path)
    const counter = (n: number) => ('counter' in (wf.parameters ?? {}) ? { counter: join(tmp.path, `${name}-${n}.count`) } : {})
    const baseDir = join(process.cwd(), 'examples')
    const onFolder = await local({ runsDir: join(tmp.path, 'runs-folder'), store: folder, baseDir }).run(wf, { runId: `ex-${name}`, artifacts, parameters: counter(1) })
    const onS3 = await local({ runsDir: join(tmp.path, 'runs-s3'), store: onS3Store, baseDir }).run(wf, { runId: `ex-${name}`, artifacts, parameters: counter(2) })
    const a = await outcome(onFolder, folder)
    const b = await outcome(onS3, onS3Store)
    await onS3Store.close()
    assert.ok(Object.keys(a.steps).length > 0, `${name} ran no step`)
    assert.equal(b, a)
    assert.not.match(JSON.stringify(a), 'uncommitted')
  })
}

test('s3rver killed while a step uploads its output and started again on the same port: the run succeeds, or the step fails naming the cause; nothing uncommitted is read', async () => {
  const dir = join(tmp.path, 'restart-data')
  let server = await startS3rver(dir)
  const big = shell({ name: 'big', outputs: { data: artifact({ path: 'data.bin', archive: 'none' }) }, script: () => sh`head -c 41943040 /dev/urandom > data.bin` })
  const size = shell({ name: 'size', inputs: { data: artifact() }, outputs: { n: stdout(t.number) }, script: ({ data }) => sh`wc -c < ${data}` })
  const make = step('make', big)
  const wf = workflow('restart', seq(make, step('size', size, { data: make.outputs.data })))
  const store = s3Store({ ...s3Options(server.endpoint), partSize: 5 * 1024 * 1024, queueSize: 2, maxAttempts: 8, retryBaseMs: 200 })
  const running = local({ runsDir: join(tmp.path, 'runs-restart'), store }).run(wf, { runId: 'restart-1' })
  server = await restartMidUpload(server, dir)
  const run = await running
  const made = run.step('make')
  if (run.status === 'Succeeded') {
    assert.is((await store.stat(made.outputs['data'] as ArtifactLocation))?.size, 41943040)
    assert.is(run.step('size').outputs['n'], 41943040, 'the reader got the whole committed object')
  } else {
    assert.is(made.phase, 'Error')
    assert.match(made.message ?? '', 'key "restart-1/make/data"')
    assert.match(made.message ?? '', /unreachable|server|timeout|reset|failed/)
    assert.is(await store.exists('restart-1/make/data'), false, 'nothing uncommitted is visible')
    assert.equal(run.steps().map((s) => s.id), ['make'], 'no step read it')
  }
  await store.close()
  await server.stop()
})

test.run()
