/**
 * One template digest (lib/run/template-digest.ts) for the cache (a call's identity), restart (the identity a
 * run folder records) and Argo's memoize keys: the three agree on every template, a change of what the
 * template computes (script text, command, image, env, a function OP's bundle — a helper its module imports
 * —, a shipped package's content) changes all three, and where the step runs (a batch queue or partition,
 * resources, node selectors, retries) changes none.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { fn, param, seq, sh, shell, step, t, workflow, type LeafTemplate } from 'dflow-ts'
import { compile, type ArgoTemplate } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { callIdentity, templateDigests } from '../../lib/cache/identity.ts'
import { leafParts } from '../../lib/fn/leaf-parts.ts'
import { valueIdentity } from '../../lib/local/restart.ts'
import { templateDigest } from '../../lib/run/template-digest.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('run: one template digest for cache, restart and memoize')
const tmp = tempDir('template-digest')
test.after(tmp.cleanup)

// A function OP whose module imports a helper, shipping a package folder: both on disk, both edited below.
const opDir = join(tmp.path, 'op')
const pkgDir = join(tmp.path, 'pkg', 'mylib')
mkdirSync(opDir, { recursive: true })
mkdirSync(pkgDir, { recursive: true })
writeFileSync(join(opDir, 'helper.mjs'), 'export const twice = (n) => 2 * n\n')
writeFileSync(join(opDir, 'op.mjs'), "import { twice } from './helper.mjs'\nexport const run = (n) => twice(n)\n")
writeFileSync(join(pkgDir, 'index.js'), 'module.exports = 1\n')

const gen = (o: Record<string, unknown> = {}, text = 'hello') =>
  shell({ name: 'gen', cache: true, inputs: { n: param(t.number) }, outputs: { out: param(t.string, { path: 'out.txt' }) }, script: ({ n }) => sh`echo ${text} ${n} > out.txt`, ...o })
const op = (o: Record<string, unknown> = {}) =>
  fn({ name: 'op', module: pathToFileURL(join(opDir, 'op.mjs')).href, cache: true, packages: [pkgDir], inputs: { n: param(t.number) }, outputs: { m: param(t.number) }, ...o }, ({ n }) => ({ m: 2 * n }))
const wfOf = (g: LeafTemplate, f: LeafTemplate) => workflow('digests', seq(step('g', g as ReturnType<typeof gen>, { n: 1 }), step('f', f as ReturnType<typeof op>, { n: 1 })))

const repo = { s3: { endpoint: 'minio.argo:9000', bucket: 'art', accessKeySecret: { name: 'cred', key: 'accesskey' }, secretKeySecret: { name: 'cred', key: 'secretkey' } } } as const

/** The three views of each template's digest: what restart records, the memo key's digest, the cache's. */
const views = async (g: LeafTemplate, f: LeafTemplate) => {
  const wf = wfOf(g, f)
  const restart = valueIdentity(wf).templates
  const m = compile(wf, { artifactRepository: repo, localArtifact: () => 's3://art/packages/mylib.tgz' })
  const memo = (name: string) => (m.spec.templates.find((x) => x.name === name) as ArgoTemplate & { memoize: { key: string } }).memoize.key.split('-')[1]!
  const cache = templateDigests()
  const call = (tpl: LeafTemplate) => ({ runId: 'r', stepId: tpl.name, stepName: tpl.name, key: undefined, template: tpl, inputs: { n: { kind: 'param' as const, wire: '1' } }, parameters: {}, attempt: 0 })
  const identity = async (tpl: LeafTemplate) => callIdentity(call(tpl), async () => undefined, templateDigests())
  return {
    shared: { gen: templateDigest(g, leafParts(g)), op: templateDigest(f, leafParts(f)) },
    restart: { gen: restart['gen']!, op: restart['op']! },
    memo: { gen: memo('gen'), op: memo('op') },
    cache: { gen: cache(g), op: cache(f) },
    calls: { gen: await identity(g), op: await identity(f) },
  }
}
type Views = Awaited<ReturnType<typeof views>>

const agree = (v: Views, name: 'gen' | 'op') => {
  assert.is(v.restart[name], v.shared[name], `restart records the shared digest of ${name}`)
  assert.is(v.cache[name], v.shared[name], `the cache keys ${name} by the shared digest`)
  assert.is(v.memo[name], v.shared[name].slice(7, 39), `the memo key of ${name} starts with the shared digest`)
}

test('cache, restart and memoize take one digest of each template; a local run records it in restart.json', async () => {
  const v = await views(gen(), op())
  agree(v, 'gen')
  agree(v, 'op')
  assert.match(v.shared.gen, /^sha256:[0-9a-f]{64}$/)
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(workflow('recorded', step('g', gen(), { n: 1 })))
  assert.is(run.status, 'Succeeded')
  const rec = JSON.parse(readFileSync(join(run.dir, 'restart.json'), 'utf8')) as { identity: { templates: Record<string, string> } }
  assert.is(rec.identity.templates['gen'], v.shared.gen)
})

test('a change of what a template computes changes all three: script text, command, image, env, bundle, packages', async () => {
  const base = await views(gen(), op())
  const changedGen = async (label: string, g: LeafTemplate) => {
    const v = await views(g, op())
    agree(v, 'gen')
    for (const k of ['shared', 'restart', 'memo', 'cache', 'calls'] as const) assert.is.not(v[k].gen, base[k].gen, `${label}: ${k}`)
    assert.is(v.shared.op, base.shared.op, `${label}: the other template is the same`)
  }
  await changedGen('script text', gen({}, 'goodbye'))
  await changedGen('command', gen({ command: ['bash'] }))
  await changedGen('image', gen({ image: 'alpine:3.21' }))
  await changedGen('env', gen({ env: { LANG: 'C' } }))
  const changedOp = async (label: string, edit: () => void, undo: () => void) => {
    edit()
    try {
      const v = await views(gen(), op())
      agree(v, 'op')
      for (const k of ['shared', 'restart', 'memo', 'cache', 'calls'] as const) assert.is.not(v[k].op, base[k].op, `${label}: ${k}`)
      assert.is(v.shared.gen, base.shared.gen)
    } finally {
      undo()
    }
  }
  const helper = join(opDir, 'helper.mjs')
  const was = readFileSync(helper, 'utf8')
  await changedOp('a helper the fn module imports (its bundle)', () => writeFileSync(helper, 'export const twice = (n) => n + n\n'), () => writeFileSync(helper, was))
  await changedOp('a shipped package', () => writeFileSync(join(pkgDir, 'index.js'), 'module.exports = 2\n'), () => writeFileSync(join(pkgDir, 'index.js'), 'module.exports = 1\n'))
  assert.equal((await views(gen(), op())).shared, base.shared, 'undone: the same digests again')
})

test('where a step runs changes none of them: batch queue and partition, resources, node selectors, retries, timeouts', async () => {
  const base = await views(gen(), op())
  const placed = {
    batch: { system: 'slurm' as const, partition: 'gpu', queue: undefined, walltime: '01:00:00', nodes: 2 },
    resources: { requests: { cpu: '4' } },
    nodeSelector: { machine: 'big-1' },
    retry: { limit: 3 },
    timeout: 60,
  }
  const v = await views(gen(placed), op(placed))
  for (const k of ['shared', 'restart', 'memo', 'cache', 'calls'] as const) assert.equal(v[k], base[k], k)
})

test.run()
