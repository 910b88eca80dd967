/**
 * Templates with `cache: true` on Argo: `memoize` keyed by the template's digest and its inputs (artifacts by
 * their keys), and the compile side of a resubmission that reuses an earlier workflow's Succeeded steps.
 * Every manifest goes through Argo's schema and the lint (compileChecked, validate).
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, DflowError, formatProblem, localArtifact, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import { compile, importWorkflow, leafParts, nodeId, resubmitManifest, templateDigest, validate, type ArgoTemplate, type NodeStatus } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked, templateNamed } from './support/checked.ts'

const test = suite('argo: memoize for cache: true, resubmission reusing Succeeded steps')
const tmp = tempDir('argo-memoize')
test.after(tmp.cleanup)

/** `stamp`: gen also outputs a fresh uuid, so that a call served from a cache gives the one it was cached with. */
const gen = (o: { cache?: boolean; cpu?: string; stamp?: boolean } = {}) =>
  shell({
    name: 'gen',
    ...(o.cache !== undefined ? { cache: o.cache } : {}),
    ...(o.cpu ? { resources: { requests: { cpu: o.cpu } } } : {}),
    inputs: { word: param(t.string) },
    outputs: { n: param(t.number, { path: 'n.txt' }), out: artifact({ path: 'out.txt' }), ...(o.stamp ? { stamp: param(t.string, { path: 'stamp.txt' }) } : {}) },
    script: ({ word }) => (o.stamp ? sh`echo ${word} > out.txt; echo 3 > n.txt; cat /proc/sys/kernel/random/uuid > stamp.txt` : sh`echo ${word} > out.txt; echo 3 > n.txt`),
  })
const use = (cache = true) =>
  shell({ name: 'use', cache, inputs: { n: param(t.number), data: artifact() }, outputs: { text: param(t.string, { path: 'text.txt' }) }, script: ({ n, data }) => sh`cat ${data} > text.txt; echo ${n} >> text.txt` })
const wfOf = (g = gen({ cache: true }), u = use(), word = 'hello') => {
  const a = step('gen', g, { word })
  return workflow('memo', seq(a, step('use', u, { n: a.outputs.n, data: a.outputs.out })))
}
const KEY = /^dflow-[0-9a-f]{32}(-\{\{=sprig\.sha256sum\(toJson\(\[.*\]\)\)\}\})?$/

test('a template with cache: true is memoized: its key is its digest and its inputs, artifacts by key; the manifest validates', () => {
  const m = compileChecked(wfOf())
  const g = templateNamed(m, 'gen') as ArgoTemplate & { memoize: { key: string; maxAge: string; cache: { configMap: { name: string } } } }
  assert.match(g.memoize.key, KEY)
  assert.ok(g.memoize.key.includes("inputs.parameters['word']"))
  assert.equal(g.memoize.cache, { configMap: { name: 'dflow-cache' } })
  assert.is(g.memoize.maxAge, '720h')
  const u = templateNamed(m, 'use') as ArgoTemplate & { memoize: { key: string } }
  assert.ok(u.memoize.key.includes("inputs.parameters['dflow-memo-data']"), 'the artifact enters the key by its key')
  // the call names the artifact by the producer's memo key
  const call = m.spec.templates.find((x) => x.steps)!.steps!.flat().find((c) => c.name === 'use')!
  assert.equal(call.arguments?.parameters?.find((p) => p.name === 'dflow-memo-data'), { name: 'dflow-memo-data', value: '{{steps.gen.outputs.parameters.dflow-memo}}/out' })
  // the producer outputs its own key
  assert.equal(g.outputs?.parameters?.find((p) => p.name === 'dflow-memo')?.valueFrom?.default, g.memoize.key)
})

test('templates without cache: true are not memoized; the ConfigMap and maxAge are compile options', () => {
  const plain = compileChecked(wfOf(gen(), use(false)))
  assert.is(templateNamed(plain, 'gen')['memoize'], undefined)
  const m = compileChecked(wfOf(), { memoize: { configMap: 'my-cache', maxAge: '24h' } })
  assert.equal(templateNamed(m, 'gen')['memoize'], { ...(templateNamed(m, 'gen')['memoize'] as object), maxAge: '24h', cache: { configMap: { name: 'my-cache' } } })
})

test('the key starts with the one template digest (cache and restart use it too): resources do not change it, the script does', () => {
  const keyOf = (g: ReturnType<typeof gen>) => (templateNamed(compileChecked(wfOf(g)), 'gen') as ArgoTemplate & { memoize: { key: string } }).memoize.key
  const digestOf = (g: ReturnType<typeof gen>) => `dflow-${templateDigest(g, leafParts(g)).slice(7, 39)}-`
  const base = keyOf(gen({ cache: true }))
  assert.ok(base.startsWith(digestOf(gen({ cache: true }))), base)
  assert.is(keyOf(gen({ cache: true, cpu: '4' })), base)
  const other = shell({ ...gen({ cache: true }), name: 'gen', cache: true, inputs: { word: param(t.string) }, outputs: { n: param(t.number, { path: 'n.txt' }), out: artifact({ path: 'out.txt' }) }, script: ({ word }) => sh`echo ${word} ${word} > out.txt; echo 3 > n.txt` })
  assert.is.not(keyOf(other), base)
  assert.ok(keyOf(other).startsWith(digestOf(other)))
})

test('an artifact from a step that is not memoized cannot be named by key: a problem says how to fix it', () => {
  try {
    compile(wfOf(gen(), use(true)))
    assert.unreachable('compiled')
  } catch (e) {
    assert.instance(e, DflowError)
    const msgs = (e as DflowError).problems.map(formatProblem).join('\n')
    assert.match(msgs, /cache: true names its input artifacts by key/)
    assert.match(msgs, /give the template that makes it cache: true/)
  }
  // a location fixed at compile time is its own key
  const wf = workflow('memo-local', step('use', use(), { n: 1, data: localArtifact('data.txt') }))
  const m = compileChecked(wf, { localArtifact: () => ({ s3: { key: 'inputs/data.txt' } }) })
  const call = m.spec.templates.find((x) => x.steps)!.steps!.flat()[0]!
  assert.match(call.arguments?.parameters?.find((p) => p.name === 'dflow-memo-data')?.value ?? '', /inputs\/data\.txt/)
})

test('a memoized manifest imported runs as the DSL runs it, and a second run is served from the ConfigMap (output artifacts too)', async () => {
  // import-features.test.ts runs a key with {{= … }} and checks the ConfigMap entries it writes
  const wf = wfOf(gen({ cache: true, stamp: true }))
  const memoizeDir = join(tmp.path, 'memo')
  const artifactRepository = join(tmp.path, 'repo')
  const runsDir = join(tmp.path, 'runs')
  const text = (v: unknown) => readFileSync((v as { path: string }).path, 'utf8')
  const outputsOf = async (w: Parameters<ReturnType<typeof local>['run']>[0]) => {
    const r = await local({ runsDir }).run(w)
    assert.is(r.status, 'Succeeded', r.steps().map((s) => `${s.id}: ${s.phase} ${s.message ?? ''}`).join('; '))
    for (const s of r.steps()) assert.is(s.phase, 'Succeeded', `${s.id}: ${s.message ?? ''}`)
    const out = (n: string) => r.steps({ name: n })[0]!.outputs as Record<string, unknown>
    return { n: Number(out('gen').n), out: text(out('gen').out), text: String(out('use').text), stamp: String(out('gen').stamp) }
  }
  const { stamp: _s, ...dsl } = await outputsOf(wf)
  const imported = () => outputsOf(importWorkflow(compile(wf) as never, { memoizeDir, artifactRepository }).workflow)
  const first = await imported()
  assert.equal({ ...first, stamp: undefined }, { ...dsl, stamp: undefined }, 'the imported run gives the DSL run\'s outputs')
  const cm = JSON.parse(readFileSync(join(memoizeDir, 'dflow-cache.json'), 'utf8')) as { data: Record<string, string> }
  const genEntry = Object.values(cm.data).map((e) => JSON.parse(e) as { outputs: { artifacts?: { name: string; path: string; s3: { key: string } }[] } }).find((e) => e.outputs.artifacts)!
  assert.equal(genEntry.outputs.artifacts!.map((a) => [a.name, a.path]), [['out', '/tmp/workdir/out.txt']], 'the entry names its output artifact, by a key of the artifact repository')
  assert.is(readFileSync(join(artifactRepository, genEntry.outputs.artifacts![0]!.s3.key), 'utf8'), dsl.out)
  // the second run is a cache hit: gen does not run again (its stamp is the first run's), its artifact is served
  assert.equal(await imported(), first)
  // the producer's memo key (its output dflow-memo, Argo's substituted default) names its entry, so that a
  // consumer's key changes with its producer's inputs: with another word, use runs again and reads "bye"
  const r = await local({ runsDir }).run(importWorkflow(compile(wf) as never, { memoizeDir, artifactRepository }).workflow)
  const memoOut = String((r.steps({ name: 'gen' })[0]!.outputs as Record<string, unknown>)['dflow-memo'])
  assert.match(memoOut, /^dflow-[0-9a-f]{32}-[0-9a-f]{64}$/)
  assert.equal(JSON.parse(cm.data[memoOut]!).outputs.artifacts?.[0]?.name, 'out')
  const bye = wfOf(gen({ cache: true, stamp: true }), use(), 'bye')
  const other = await outputsOf(importWorkflow(compile(bye) as never, { memoizeDir, artifactRepository }).workflow)
  assert.is(other.text, 'bye\n3')
  // an entry whose artifact is gone from the repository is a miss: the template runs again
  rmSync(artifactRepository, { recursive: true })
  const third = await imported()
  assert.is.not(third.stamp, first.stamp)
  assert.equal({ ...third, stamp: undefined }, { ...dsl, stamp: undefined })
})

test('a resubmission keeps the earlier workflow\'s Succeeded nodes, renamed into the new workflow, and validates', () => {
  const compiled = compile(wfOf(), { generateName: false })
  const old = 'memo-abc12'
  const n = (name: string, type: string, phase: NodeStatus['phase'], templateName: string, children: string[] = []): NodeStatus => ({
    id: nodeId(old, name), name, displayName: name.split('.').pop()!, type, phase, templateName, children: children.map((c) => nodeId(old, c)), startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:00:05Z',
  })
  const nodes = Object.fromEntries(
    [
      n(old, 'Steps', 'Failed', 'memo', [`${old}[0]`]),
      n(`${old}[0]`, 'StepGroup', 'Succeeded', 'memo', [`${old}[0].gen`]),
      n(`${old}[0].gen`, 'Pod', 'Succeeded', 'gen'),
      n(`${old}[1]`, 'StepGroup', 'Failed', 'memo', [`${old}[1].use`]),
      n(`${old}[1].use`, 'Pod', 'Failed', 'use'),
      n(`${old}.onExit`, 'Pod', 'Succeeded', 'memo'),
    ].map((x) => [x.id, x]),
  )
  const next = resubmitManifest(compiled, { metadata: { name: old }, status: { phase: 'Failed', nodes } }, 'memo-resubmit-1')
  assert.is(next.metadata.name, 'memo-resubmit-1')
  assert.is(next.metadata.generateName, undefined)
  assert.is(next.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'], old)
  const kept = Object.values(next.status.nodes).map((x) => x.name).sort()
  assert.equal(kept, ['memo-resubmit-1[0]', 'memo-resubmit-1[0].gen'])
  const g = next.status.nodes[nodeId('memo-resubmit-1', 'memo-resubmit-1[0]')]!
  assert.equal(g.children, [nodeId('memo-resubmit-1', 'memo-resubmit-1[0].gen')])
  assert.equal(validate(next, { argoVersion: 'v4.1' }).map(formatProblem), [])
  assert.throws(() => resubmitManifest(compiled, { metadata: { name: old }, status: { phase: 'Running', nodes } }, 'x'), /only a Failed or Error workflow/)
})

test.run()
