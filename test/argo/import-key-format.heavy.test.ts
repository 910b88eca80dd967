import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gunzipSync } from 'node:zlib'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { s3Client } from '../../lib/storage/s3-client.ts'
import { S3RVER_CREDENTIALS, suiteS3rver } from '../helpers/s3rver.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/** Output artifacts without a key of their own, uploaded to the run's S3 repository by its keyFormat (keyPrefix), on a real S3 server (s3rver on loopback). */
const { tmp, s3 } = suiteS3rver(test, 'argo-import-key-format')
const host = () => s3().endpoint.replace(/^http:\/\//, '')
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cred' }, stringData: { accesskey: S3RVER_CREDENTIALS.accessKeyId, secretkey: S3RVER_CREDENTIALS.secretAccessKey } }
/** The artifact-repositories ConfigMap (or another name), its default entry `mine` with the extra lines given. */
const repos = (extra: string, name = 'artifact-repositories') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, annotations: { 'workflows.argoproj.io/default-artifact-repository': 'mine' } },
  data: { mine: `s3:\n  bucket: artifacts\n  endpoint: ${host()}\n  insecure: true\n  accessKeySecret: {name: cred, key: accesskey}\n  secretKeySecret: {name: cred, key: secretkey}\n${extra}` },
})
const run = (doc: unknown, configmaps: readonly unknown[]) => local({ runsDir: tmp.path }).run(importWorkflow(doc, { secrets: [secret], configmaps }).workflow)
const client = () => s3Client({ bucket: 'artifacts', endpoint: s3().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
const keys = async (prefix: string): Promise<string[]> => ((await client().send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: prefix }))).Contents ?? []).map((c) => c.Key!).sort()
const object = async (key: string): Promise<Buffer> => Buffer.from(await (await client().send(new GetObjectCommand({ Bucket: 'artifacts', Key: key }))).Body!.transformToByteArray())
const failures = (r: { steps: (q: { phase: 'Failed' }) => readonly { message?: string }[] }) => r.steps({ phase: 'Failed' }).map((s) => s.message).join('; ')

/** gen writes two outputs without keys (one archived, one not); use reads the archived one by `from`. */
const producer = (spec: Record<string, unknown> = {}) =>
  wf({
    entrypoint: 'main',
    ...spec,
    templates: [
      { name: 'main', steps: [[{ name: 'gen', template: 'gen', arguments: { parameters: [{ name: 'tag', value: 'v1' }] } }], [{ name: 'use', template: 'use', arguments: { artifacts: [{ name: 'hello', from: '{{steps.gen.outputs.artifacts.hello}}' }] } }]] },
      {
        ...echo('gen', 'echo -n hello > /tmp/hello.txt; echo -n plain > /tmp/plain.txt'),
        inputs: { parameters: [{ name: 'tag' }] },
        outputs: { artifacts: [{ name: 'hello', path: '/tmp/hello.txt' }, { name: 'plain', path: '/tmp/plain.txt', archive: { none: {} } }] },
      },
      { ...echo('use', 'cat /in/hello.txt'), inputs: { artifacts: [{ name: 'hello', path: '/in/hello.txt' }] } },
    ],
  })

test("keyFormat: the outputs land under the repository's key format and the artifact's file name (NAME.tgz archived, the file's own name with none), and still pass to the next step", async () => {
  const r = await run(producer(), [repos('  keyFormat: "kf/{{workflow.creationTimestamp.Y}}/{{workflow.name}}/{{inputs.parameters.tag}}/{{pod.name}}"\n')])
  assert.is(r.status, 'Succeeded', failures(r))
  assert.is(printed(r.steps({ name: 'use' })[0]!), 'hello')
  const year = String(new Date().getUTCFullYear())
  const got = await keys(`kf/${year}/${r.id}/v1/`)
  assert.is(got.length, 2, JSON.stringify(got))
  const pod = got[0]!.split('/')[4]!
  assert.ok(pod.length > 0)
  assert.equal(got, [`kf/${year}/${r.id}/v1/${pod}/hello.tgz`, `kf/${year}/${r.id}/v1/${pod}/plain.txt`])
  assert.ok(gunzipSync(await object(got[0]!)).toString('latin1').startsWith('hello.txt'))
  assert.is((await object(got[1]!)).toString(), 'plain')
  // the step that only reads has no outputs: nothing else was put
  assert.is((await keys(`kf/${year}/${r.id}/`)).length, 2)
})

test('keyPrefix (deprecated) is followed by Argo\'s default {{workflow.name}}/{{pod.name}}; with neither, that default alone', async () => {
  const r = await run(producer(), [repos('  keyPrefix: legacy/\n')])
  assert.is(r.status, 'Succeeded', failures(r))
  const got = await keys(`legacy/${r.id}/`)
  assert.equal(got.map((k) => k.split('/').slice(3).join('/')), ['hello.tgz', 'plain.txt'])
  assert.is(got[0]!.split('/').length, 4)
  const plain = await run(producer(), [repos('')])
  assert.is(plain.status, 'Succeeded', failures(plain))
  assert.equal((await keys(`${plain.id}/`)).map((k) => k.split('/').slice(2).join('/')), ['hello.tgz', 'plain.txt'])
})

test('with no repository ConfigMap, the controller\'s default (dflow run --store s3://BUCKET/PREFIX: ImportOptions.s3Repository) takes them under PREFIX', async () => {
  const s3Repository = { bucket: 'artifacts', prefix: 'store/', endpoint: s3().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS }
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(producer(), { secrets: [secret], s3Repository }).workflow)
  assert.is(r.status, 'Succeeded', failures(r))
  assert.equal((await keys(`store/${r.id}/`)).map((k) => k.split('/').slice(3).join('/')), ['hello.tgz', 'plain.txt'])
})

test('spec.artifactRepositoryRef picks the entry; naming a ConfigMap the run was not given keeps the outputs in the run\'s store, with a warning', async () => {
  const ref = producer({ artifactRepositoryRef: { configMap: 'my-repos', key: 'mine' } })
  const r = await run(ref, [repos('  keyFormat: "byref/{{workflow.name}}/{{pod.name}}"\n', 'my-repos')])
  assert.is(r.status, 'Succeeded', failures(r))
  assert.is((await keys(`byref/${r.id}/`)).length, 2)
  const { warnings } = importWorkflow(ref, { secrets: [secret] })
  assert.ok(warnings.includes("spec.artifactRepositoryRef: artifactRepositoryRef names a ConfigMap the run was not given (--configmap FILE): output artifacts without a key are kept in the run's store only, not uploaded by its keyFormat"), JSON.stringify(warnings))
  const r2 = await local({ runsDir: tmp.path }).run(importWorkflow(ref, { secrets: [secret] }).workflow)
  assert.is(r2.status, 'Succeeded', failures(r2))
  assert.is(printed(r2.steps({ name: 'use' })[0]!), 'hello')
})

test('a keyFormat the importer cannot substitute is refused naming the ConfigMap field; an input the template lacks, naming the artifact', () => {
  const at = 'ConfigMap/artifact-repositories.data.mine.s3.keyFormat'
  assert.equal(problemsOf(producer(), { secrets: [secret], configmaps: [repos('  keyFormat: "{{workflow.labels.x}}/{{pod.name}}"\n')] }), [
    `${at}: keyFormat "{{workflow.labels.x}}/{{pod.name}}" uses {{workflow.labels.x}}, which Argo does not substitute in an artifact repository's key`,
  ])
  assert.equal(problemsOf(producer(), { secrets: [secret], configmaps: [repos('  keyFormat: "{{inputs.parameters.nope}}"\n')] }), [
    `spec.templates.1.outputs.artifacts.0: the artifact repository's keyFormat "{{inputs.parameters.nope}}" reads {{inputs.parameters.nope}}, an input parameter this template does not have`,
  ])
  const own = producer()
  ;(own.spec.templates as Record<string, unknown>[])[1]!.archiveLocation = { s3: { key: 'elsewhere' } }
  assert.equal(problemsOf(own, { secrets: [secret] }), ['spec.templates.1.archiveLocation.s3: archiveLocation.s3 is not supported locally'])
})

test.run()
