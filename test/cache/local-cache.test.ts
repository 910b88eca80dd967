/**
 * Caching by content on the local interpreter (lib/cache): a leaf call whose identity — its template, its
 * input values, its input artifacts' content digests — matches an earlier call's takes that call's outputs,
 * recorded as such; where it runs is not part of the identity; an entry whose artifacts are gone is a miss.
 * Every step appends a line to a side-effect log, so a step that ran is seen to have run.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, artifact, param, seq, sh, shell, step, t, validate, workflow, type ScriptTemplate } from 'dflow-ts'
import { folderStore, local, openRun, type ArtifactStore, type Run } from 'dflow-ts/local'
import { s3Store } from '../../lib/storage/index.ts'
import { startS3rver, S3RVER_CREDENTIALS, type S3rver } from '../helpers/s3rver.ts'
import { tempDir } from '../helpers/tmp.ts'
import { cachedFn } from '../fixtures/cached-fn.ts'

const test = suite('cache: caching by content on the local interpreter')
const tmp = tempDir('cache')
let s3: S3rver
test.before(async () => {
  s3 = await startS3rver(join(tmp.path, 's3'), ['artifacts'])
})
test.after(async () => {
  await s3.stop()
  tmp.cleanup()
})

const LOG = join(tmp.path, 'side-effects.log')
const ran = (): string[] => (existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean) : [])
const clearLog = () => rmSync(LOG, { force: true })

const makeWf = (o: { cache?: boolean; word?: string; script?: string } = {}) => {
  const gen = shell({
    name: 'gen',
    ...(o.cache !== undefined ? { cache: o.cache } : {}),
    inputs: { word: param(t.string) },
    outputs: { n: param(t.number, { path: 'n.txt' }), out: artifact({ path: 'out.txt' }) },
    script: ({ word }) => sh`echo gen >> ${LOG}; echo ${word} > out.txt; echo 3 > n.txt`,
  })
  const use = shell({
    name: 'use',
    inputs: { n: param(t.number), data: artifact() },
    outputs: { text: param(t.string, { path: 'text.txt' }) },
    script: ({ n, data }) => sh`echo use >> ${LOG}; ${sh.unsafeRaw(o.script ?? 'cat')} ${data} > text.txt; echo ${n} >> text.txt`,
  })
  const g = step('gen', gen, { word: o.word ?? 'hello' })
  return workflow('cached', seq(g, step('use', use, { n: g.outputs.n, data: g.outputs.out })))
}

const reusedOf = (run: Run, name: string) => run.step(name).record.reused

test('a run with cache: true takes every step from the cache the second time, recorded as such, with the same outputs', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-a')
  const first = await local({ runsDir }).run(makeWf(), { cache: true, runId: 'a-1' })
  assert.is(first.status, 'Succeeded', first.message)
  assert.equal(ran(), ['gen', 'use'])
  assert.is(reusedOf(first, 'gen'), undefined)
  const second = await local({ runsDir, parallelism: 1 }).run(makeWf(), { cache: true, runId: 'a-2' })
  assert.is(second.status, 'Succeeded', second.message)
  assert.equal(ran(), ['gen', 'use'], 'nothing ran again')
  assert.equal(reusedOf(second, 'gen'), { from: 'cache', run: 'a-1', step: 'gen', key: reusedOf(second, 'gen')!.key })
  assert.is(reusedOf(second, 'use')?.run, 'a-1')
  assert.is(second.step('use').outputs.text, 'hello\n3')
  assert.is(second.step('gen').outputs.n, 3)
  // the record on disk says so too (what `dflow steps` reads), and the entries live in <runsDir>/.cache
  const reread = await openRun(second.dir)
  assert.is(reread.step('use').record.reused?.from, 'cache')
  assert.ok(readdirSync(join(runsDir, '.cache')).includes('gen'))
})

test('a different input value, or a changed script, is a miss; the run id, parallelism and environment are not in the identity', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-b')
  await local({ runsDir }).run(makeWf(), { cache: true, runId: 'b-1' })
  clearLog()
  const other = await local({ runsDir }).run(makeWf({ word: 'bye' }), { cache: true, runId: 'b-2' })
  assert.equal(ran(), ['gen', 'use'], 'a new input value runs gen, and its new artifact runs use')
  assert.is(other.step('use').outputs.text, 'bye\n3')
  clearLog()
  const changed = await local({ runsDir }).run(makeWf({ script: 'cat -u' }), { cache: true, runId: 'b-3' })
  assert.equal(ran(), ['use'], 'only the changed template runs')
  assert.is(reusedOf(changed, 'gen')?.from, 'cache')
  clearLog()
  const elsewhere = await local({ runsDir, parallelism: 3, env: { ...process.env, DFLOW_QUEUE: 'another-queue' } }).run(makeWf(), { cache: true, runId: 'b-4' })
  assert.equal(ran(), [], 'a new run id, parallelism and machine environment resubmit nothing')
  assert.is(elsewhere.step('use').outputs.text, 'hello\n3')
})

test('cache: true on a template caches it without the run option; cache: false keeps it out of a cached run', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-c')
  await local({ runsDir }).run(makeWf({ cache: true }), { runId: 'c-1' })
  clearLog()
  const second = await local({ runsDir }).run(makeWf({ cache: true }), { runId: 'c-2' })
  assert.equal(ran(), ['use'], 'only the template with cache: true is taken from the cache')
  assert.is(reusedOf(second, 'gen')?.from, 'cache')
  assert.is(reusedOf(second, 'use'), undefined)
  clearLog()
  const never = await local({ runsDir }).run(makeWf({ cache: false }), { cache: true, runId: 'c-3' })
  assert.ok(ran().includes('gen'), 'cache: false always runs')
  assert.is(reusedOf(never, 'gen'), undefined)
})

test('an entry whose artifacts are gone is a miss: the step runs again and its new entry serves the next run', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-d')
  const first = await local({ runsDir }).run(makeWf(), { cache: true, runId: 'd-1' })
  rmSync(first.dir, { recursive: true, force: true })
  clearLog()
  const second = await local({ runsDir }).run(makeWf(), { cache: true, runId: 'd-2' })
  assert.is(second.status, 'Succeeded', second.message)
  assert.equal(ran(), ['gen'], 'the cached artifact was gone, so gen ran; its new artifact has the same content, so use (whose outputs are values) still hits')
  assert.is(reusedOf(second, 'gen'), undefined)
  assert.is(reusedOf(second, 'use')?.run, 'd-1')
  clearLog()
  const third = await local({ runsDir }).run(makeWf(), { cache: true, runId: 'd-3' })
  assert.equal(ran(), [])
  assert.is(reusedOf(third, 'gen')?.run, 'd-2')
})

test('a failed step is not cached', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-e')
  const bad = shell({ name: 'bad', cache: true, script: () => sh`echo bad >> ${LOG}; exit 3` })
  const wf = workflow('failing', step('bad', bad))
  assert.is((await local({ runsDir }).run(wf, { runId: 'e-1' })).status, 'Failed')
  assert.is((await local({ runsDir }).run(wf, { runId: 'e-2' })).status, 'Failed')
  assert.equal(ran(), ['bad', 'bad'])
})

const storeCase = (label: string, makeStore: () => ArtifactStore, remove: (store: ArtifactStore, key: string) => Promise<void>) =>
  test(`with ${label}: entries live in the store under _cache/<template>/<identity>, beside the artifacts they name`, async () => {
    clearLog()
    const store = makeStore()
    const runsDir = join(tmp.path, `runs-${label.replace(/\W/g, '')}`)
    const first = await local({ runsDir, store }).run(makeWf(), { cache: true, runId: 's-1' })
    assert.is(first.status, 'Succeeded', first.message)
    const second = await local({ runsDir, store }).run(makeWf(), { cache: true, runId: 's-2' })
    assert.equal(ran(), ['gen', 'use'])
    const key = reusedOf(second, 'gen')!.key!
    assert.match(key, /^_cache\/gen\/[0-9a-f]{64}$/)
    assert.ok(await store.exists(key))
    assert.is(second.step('use').outputs.text, 'hello\n3')
    // the artifact the entry names is removed: a miss
    await remove(store, 's-1/gen/out')
    clearLog()
    const third = await local({ runsDir, store }).run(makeWf(), { cache: true, runId: 's-3' })
    assert.is(third.status, 'Succeeded', third.message)
    assert.ok(ran().includes('gen'), 'gen ran again')
    assert.is(reusedOf(third, 'gen'), undefined)
    await store.close()
  })

storeCase('a folder store', () => folderStore(join(tmp.path, 'store')), async (_s, key) => rmSync(join(tmp.path, 'store', key), { recursive: true, force: true }))
storeCase(
  'an S3 store (s3rver)',
  () => s3Store({ bucket: 'artifacts', prefix: 'runs/', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS }),
  async (_s, key) => {
    const { S3Client, DeleteObjectCommand } = await import('@aws-sdk/client-s3')
    const raw = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    await raw.send(new DeleteObjectCommand({ Bucket: 'artifacts', Key: `runs/${key}.dflow-commit.json` }))
    raw.destroy()
  },
)

test('a function OP with cache: true is cached by its bundle and inputs', async () => {
  clearLog()
  const runsDir = join(tmp.path, 'runs-fn')
  const first = await local({ runsDir }).run(cachedFn(LOG), { runId: 'fn-1' })
  assert.is(first.status, 'Succeeded', first.message)
  const second = await local({ runsDir }).run(cachedFn(LOG), { runId: 'fn-2' })
  assert.is(second.step('sq').outputs.sq, 49)
  assert.is(reusedOf(second, 'sq')?.run, 'fn-1')
  assert.equal(ran(), ['square'])
})

test('cache must be a boolean: anything else is a problem naming the field', () => {
  const t0 = shell({ name: 'odd', script: () => sh`true` }) as ScriptTemplate
  const odd = { ...t0, cache: 'yes' } as unknown as ScriptTemplate
  const problems = validate(workflow('odd', step('odd', odd)))
  assert.equal(problems.map((p) => p.path), [['templates', 'odd', 'cache']])
  assert.ok(DflowError)
})

test.run()
