/**
 * Artifacts on Argo: the artifact repository (inline, or by reference), workflow artifacts as
 * `spec.arguments.artifacts`, REFs (`s3://BUCKET/KEY`) for local and workflow artifacts, archive settings,
 * and fan-in of a fan-out's artifacts (each call's under a key by index, the consumer reading the prefix).
 * Every manifest goes through Argo's schema and the lint (compileChecked).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, artifactList, DflowError, field, forEach, localArtifact, par, param, seq, sequence, sh, shell, step, stdout, subflow, t, workflow, type Workflow } from 'dflow-ts'
import { compile, parseYaml, repositoryConfigMap, type ArgoArtifact, type CompileOptions } from 'dflow-ts/argo'
import { compileChecked, templateNamed } from './support/checked.ts'

const repo = {
  s3: { endpoint: 'minio.argo:9000', bucket: 'art', insecure: true, accessKeySecret: { name: 'cred', key: 'accesskey' }, secretKeySecret: { name: 'cred', key: 'secretkey' } },
} as const
const connection = { endpoint: 'minio.argo:9000', bucket: 'art', insecure: true, accessKeySecret: { name: 'cred', key: 'accesskey' }, secretKeySecret: { name: 'cred', key: 'secretkey' } }

const wc = shell({ name: 'wc', inputs: { file: artifact() }, outputs: { n: param(t.number, { path: 'n' }) }, script: ({ file }, o) => sh`wc -l < ${file} > ${o.n}` })
const mk = shell({ name: 'mk', inputs: { n: param(t.string) }, outputs: { f: artifact({ path: 'f.txt' }) }, script: ({ n }) => sh`echo ${n} > f.txt` })
const catAll = shell({ name: 'cat-all', inputs: { fs: artifactList() }, outputs: { all: stdout(t.string) }, script: ({ fs }) => sh`cat ${fs}/*` })

const problemsOf = (wf: Workflow<any, any>, o: CompileOptions = {}): string[] => {
  try {
    compile(wf, o)
  } catch (e) {
    if (e instanceof DflowError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`)
    throw e
  }
  return []
}
const argArtifact = (call: { arguments?: { artifacts?: readonly ArgoArtifact[] } } | undefined, name: string) => call?.arguments?.artifacts?.find((a) => a.name === name)

test('workflow artifacts: spec.arguments.artifacts from REFs (key-only with the cluster repository), inputs of the entry template, lifted into generated templates', () => {
  const wf = workflow('count', ({ data, extra }) => par(step('a', wc, { file: data }), seq(step('b', wc, { file: extra }), step('c', wc, { file: data }))), {
    artifacts: { data: artifact(), extra: artifact({ optional: true }) },
  })
  const m = compileChecked(wf, { artifactRepositoryRef: { configMap: 'artifact-repositories', key: 'dflow' }, artifactRepository: repo, artifacts: { data: 's3://art/uploads/data.tgz' } })
  assert.equal(m.spec.arguments?.artifacts, [{ name: 'data', s3: { key: 'uploads/data.tgz' } }, { name: 'extra', optional: true }])
  const entry = templateNamed(m, 'count')
  assert.equal(entry.inputs?.artifacts, [{ name: 'data' }, { name: 'extra', optional: true }])
  const a = entry.steps![0]!.find((s) => s.name === 'a')
  assert.equal(argArtifact(a, 'file'), { name: 'file', from: '{{inputs.artifacts.data}}' })
  const fragment = entry.steps![0]!.find((s) => s.name !== 'a')!
  assert.equal(fragment.arguments?.artifacts?.map((x) => x.from), ['{{inputs.artifacts.extra}}', '{{inputs.artifacts.data}}'])
  const inner = templateNamed(m, fragment.template)
  assert.equal(inner.inputs?.artifacts?.map((x) => x.name), ['extra', 'data'])
})

test('workflow artifacts: a single call taking them by name makes its template the entrypoint; a missing value, an unknown one and a file REF are problems', () => {
  const wf = workflow('count', ({ file }) => step('main', wc, { file }), { artifacts: { file: artifact() } })
  const m = compileChecked(wf, { artifactRepository: repo, artifacts: { file: 's3://art/in.txt' } })
  assert.is(m.spec.entrypoint, 'wc')
  assert.equal(m.spec.arguments?.artifacts, [{ name: 'file', s3: { ...connection, key: 'in.txt' } }])
  assert.equal(problemsOf(wf), ['count.artifacts.file: workflow artifact "file" has no value on the cluster'])
  assert.equal(problemsOf(wf, { artifactRepository: repo, artifacts: { file: 's3://art/in.txt', nope: 's3://art/x' } }), ['count.artifacts.nope: the workflow has no artifact "nope"'])
  assert.equal(problemsOf(wf, { artifacts: { file: 'file:///tmp/in.txt' } }), ['count.artifacts.file: file:///tmp/in.txt is on this machine, not on the cluster'])
  assert.equal(problemsOf(wf, { artifacts: { file: 's3://art' } }), ['count.artifacts.file: "s3://art" is not an artifact REF'])
})

test('REFs: key-only in the repository\'s bucket, a whole location for another bucket; without the repository settings another bucket cannot be checked', () => {
  const wf = workflow('up', step('i', wc, { file: localArtifact('data.txt') }))
  const keyOnly = compileChecked(wf, { artifactRepositoryRef: { key: 'dflow' }, artifactRepository: repo, localArtifact: (a) => `s3://art/uploads/${a.path}` })
  assert.equal(argArtifact(templateNamed(keyOnly, 'up').steps?.[0]?.[0], 'file'), { name: 'file', s3: { key: 'uploads/data.txt' } })
  const other = compileChecked(wf, { artifactRepositoryRef: { key: 'dflow' }, artifactRepository: repo, localArtifact: () => 's3://other-bucket/x.tgz' })
  const call = other.spec.templates.flatMap((x) => x.steps?.flat() ?? [])[0]
  assert.equal(argArtifact(call, 'file'), { name: 'file', s3: { ...connection, bucket: 'other-bucket', key: 'x.tgz' } })
  assert.match(problemsOf(wf, { localArtifact: () => 's3://other-bucket/x.tgz' }).join('\n'), 'cannot check that the bucket is the repository')
})

test('the inline repository: each leaf with outputs gets an archiveLocation keyed by the key format (dflow\'s layout by default); archive settings per output', () => {
  const out = shell({
    name: 'out',
    outputs: { plain: artifact({ path: 'a' }), raw: artifact({ path: 'b', archive: 'none' }), small: artifact({ path: 'c', archive: { tar: { compressionLevel: 9 } } }), n: param(t.number, { path: 'n' }) },
    script: () => sh`echo 1 > n; touch a b c`,
  })
  const quiet = shell({ name: 'quiet', script: () => sh`true` })
  const wf = workflow('out', seq(step('o', out), step('q', quiet)))
  const m = compileChecked(wf, { artifactRepository: repo })
  assert.equal(templateNamed(m, 'out')['archiveLocation'], { s3: { ...connection, key: '{{workflow.name}}/{{pod.name}}' } })
  assert.is(templateNamed(m, 'quiet')['archiveLocation'], undefined)
  assert.equal(templateNamed(m, 'out').outputs?.artifacts?.map((a) => a['archive']), [undefined, { none: {} }, { tar: { compressionLevel: 9 } }])
  const custom = compileChecked(wf, { artifactRepository: { s3: { ...repo.s3, keyFormat: 'runs/{{workflow.name}}/{{pod.name}}' } } })
  assert.equal((templateNamed(custom, 'out')['archiveLocation'] as { s3: { key: string } }).s3.key, 'runs/{{workflow.name}}/{{pod.name}}')
  // by reference: the cluster's repository places outputs
  assert.is(templateNamed(compileChecked(wf, { artifactRepository: repo, artifactRepositoryRef: { configMap: 'repos', key: 'dflow' } }), 'out')['archiveLocation'], undefined)
})

test('repositoryConfigMap: the ConfigMap artifactRepositoryRef names, holding the repository in Argo\'s format with the default key format', () => {
  const cm = repositoryConfigMap(repo, { configMap: 'artifact-repositories', key: 'dflow' })
  assert.equal(cm.metadata, { name: 'artifact-repositories', annotations: { 'workflows.argoproj.io/default-artifact-repository': 'dflow' } })
  const parsed = parseYaml(cm.data['dflow'] ?? '')
  assert.ok(parsed.ok)
  assert.equal(parsed.ok && parsed.documents[0], { s3: { ...connection, keyFormat: '{{workflow.name}}/{{pod.name}}' } })
})

test('fan-in: each call of the fan-out writes its artifact unarchived under a key with its index, the consumer reads the prefix', () => {
  const fan = forEach(['a', 'b', 'c'], (n) => step('mk', mk, { n }))
  const wf = workflow('fan-in', seq(fan, step('join', catAll, { fs: fan.outputs.f }), step('again', mk, { n: 'x' })))
  const m = compileChecked(wf)
  const [[mkCall], [join], [again]] = templateNamed(m, 'fan-in').steps as never as [[any], [any], [any]]
  assert.equal(mkCall.withItems, ['a', 'b', 'c'].map((v, i) => ({ 'dflow-index': String(i), 'dflow-item': v })))
  assert.equal(mkCall.arguments.parameters, [
    { name: 'n', value: '{{item.dflow-item}}' },
    { name: 'dflow-fan-in', value: '{{workflow.name}}/dflow-fan-in/fan-in/mk' },
    { name: 'dflow-index', value: '{{item.dflow-index}}' },
  ])
  const gathering = templateNamed(m, mkCall.template)
  assert.equal(gathering.outputs?.artifacts, [{ name: 'f', path: '/tmp/workdir/f.txt', archive: { none: {} }, s3: { key: '{{inputs.parameters.dflow-fan-in}}/f/{{inputs.parameters.dflow-index}}' } }])
  assert.equal(argArtifact(join, 'fs'), { name: 'fs', s3: { key: '{{workflow.name}}/dflow-fan-in/fan-in/mk/f' } })
  // the same template called without fan-in stays as it was: a template of its own
  assert.is.not(again.template, mkCall.template)
  assert.is(templateNamed(m, again.template).outputs?.artifacts?.[0]?.['s3'], undefined)
})

test('fan-in: over a reference (enumerated by an expression, the fields the body reads projected), over a sequence; a consumer inside a generated template reads the same key', () => {
  const gen = shell({ name: 'gen', outputs: { list: stdout(t.array(t.type({ n: t.string }))) }, script: () => sh`echo '[{"n":"a"}]'` })
  const g = step('gen', gen)
  const byRef = forEach(g.outputs.list, (x) => step('mk-ref', mk, { n: field(x, 'n') }))
  const bySeq = forEach(sequence({ start: 3, end: 1 }), (x) => step('mk-seq', mk, { n: x }))
  const wf = workflow('fan-more', seq(g, par(byRef, bySeq), par(step('j1', catAll, { fs: byRef.outputs.f }), seq(step('j2', catAll, { fs: bySeq.outputs.f }), step('j3', catAll, { fs: byRef.outputs.f })))))
  const m = compileChecked(wf)
  const calls = m.spec.templates.flatMap((x) => x.steps?.flat() ?? [])
  const ref = calls.find((c) => c.name === 'mk-ref')!
  const list = "jsonpath(steps['gen'].outputs.result, '$')"
  assert.is(ref.withParam, `{{=toJson(map(0..(len(${list}) - 1), { {'dflow-index': string(#), 'dflow-item': ${list}[#], 'n': ${list}[#]['n']} }))}}`)
  assert.equal(ref.arguments?.parameters?.[0], { name: 'n', value: '{{item.n}}' })
  assert.equal(calls.find((c) => c.name === 'mk-seq')!.withItems, ['3', '2', '1'].map((v, i) => ({ 'dflow-index': String(i), 'dflow-item': v })))
  assert.equal(argArtifact(calls.find((c) => c.name === 'j2'), 'fs')?.['s3'], { key: '{{workflow.name}}/dflow-fan-in/fan-more/mk-seq/f' })
  assert.equal(argArtifact(calls.find((c) => c.name === 'j3'), 'fs')?.['s3'], { key: '{{workflow.name}}/dflow-fan-in/fan-more/mk-ref/f' })
})

test('fan-in on Argo: a sub-workflow fanned out, a fan-out inside a composite forEach or in a sub-workflow that runs twice, a formatted sequence are problems', () => {
  const inner = subflow({ name: 'inner', inputs: { n: param(t.string) }, body: ({ n }) => { const s = step('m', mk, { n }); return { run: s, outputs: { f: s.outputs.f } } } })
  const fanSub = forEach(['a'], (n) => step('sub', inner, { n }))
  assert.match(problemsOf(workflow('w1', seq(fanSub, step('j', catAll, { fs: fanSub.outputs.f })))).join('\n'), 'fan-out of sub-workflow "inner" cannot hand its artifacts')
  const gathers = subflow({
    name: 'gathers',
    body: () => {
      const fan = forEach(['a'], (n) => step('mk', mk, { n }))
      return seq(fan, step('j', catAll, { fs: fan.outputs.f }))
    },
  })
  assert.equal(problemsOf(workflow('w2', seq(step('once', gathers)))), [])
  assert.match(problemsOf(workflow('w3', seq(step('one', gathers), step('two', gathers)))).join('\n'), 'can be gathered only where its body runs once per workflow')
  const looped = forEach(['x', 'y'], () => { const fan = forEach(['a'], (n) => step('mk', mk, { n })); return seq(fan, step('j', catAll, { fs: fan.outputs.f })) }, { name: 'per' })
  assert.match(problemsOf(workflow('w4', looped)).join('\n'), 'can be gathered only where its body runs once per workflow')
  const formatted = forEach(sequence({ count: 2, format: 'n%02d' }), (x) => step('mk', mk, { n: x }))
  assert.match(problemsOf(workflow('w5', seq(formatted, step('j', catAll, { fs: formatted.outputs.f })))).join('\n'), 'needs literal numbers and no format')
})

test.run()
