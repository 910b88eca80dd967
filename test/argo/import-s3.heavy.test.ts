import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { gunzipSync } from 'node:zlib'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { s3Client } from '../../lib/storage/s3-client.ts'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dflowWith } from '../helpers/cli.ts'
import { S3RVER_CREDENTIALS, s3rverEnv, suiteS3rver } from '../helpers/s3rver.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/** S3 artifacts of imported workflows, read and written on a real S3 server (s3rver on loopback) through lib/storage's client. */
const { tmp, s3 } = suiteS3rver(test, 'argo-import-s3')
const host = () => s3().endpoint.replace(/^http:\/\//, '')
const cred = (access = 'accesskey') => ({ accessKeySecret: { name: 'cred', key: access }, secretKeySecret: { name: 'cred', key: 'secretkey' } })
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cred' }, stringData: { accesskey: S3RVER_CREDENTIALS.accessKeyId, secretkey: S3RVER_CREDENTIALS.secretAccessKey, wrong: 'NOT-S3RVER' } }
const at = (key: string, access?: string) => ({ endpoint: host(), insecure: true, bucket: 'artifacts', key, ...cred(access) })
const run = (doc: unknown, options: Parameters<typeof importWorkflow>[1] = {}) => local({ runsDir: tmp.path }).run(importWorkflow(doc, { secrets: [secret], ...options }).workflow)
const client = () => s3Client({ bucket: 'artifacts', endpoint: s3().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
const object = async (key: string): Promise<Buffer> => Buffer.from(await (await client().send(new GetObjectCommand({ Bucket: 'artifacts', Key: key }))).Body!.transformToByteArray())
const failures = (r: { steps: (q: { phase: 'Failed' }) => readonly { message?: string }[] }) => r.steps({ phase: 'Failed' }).map((s) => s.message).join('; ')

const producer = (prefix: string) =>
  wf({
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        dag: {
          tasks: [
            { name: 'gen', template: 'gen' },
            {
              name: 'use',
              template: 'use',
              depends: 'gen',
              arguments: { artifacts: [{ name: 'hello', s3: at(`${prefix}/{{workflow.name}}/hello.tgz`) }, { name: 'plain', s3: at(`${prefix}/{{workflow.name}}/plain.txt`) }, { name: 'dir', s3: at(`${prefix}/{{workflow.name}}/dir`) }] },
            },
          ],
        },
      },
      {
        ...echo('gen', 'mkdir -p /tmp/d/sub; echo -n hello > /tmp/hello.txt; echo -n plain > /tmp/plain.txt; echo -n a > /tmp/d/a.txt; echo -n b > /tmp/d/sub/b.txt'),
        outputs: {
          artifacts: [
            { name: 'hello', path: '/tmp/hello.txt', s3: at(`${prefix}/{{workflow.name}}/hello.tgz`) },
            { name: 'plain', path: '/tmp/plain.txt', archive: { none: {} }, s3: at(`${prefix}/{{workflow.name}}/plain.txt`) },
            { name: 'dir', path: '/tmp/d', archive: { none: {} }, s3: at(`${prefix}/{{workflow.name}}/dir`) },
          ],
        },
      },
      {
        ...echo('use', 'cat /in/hello.txt /in/plain.txt /in/d/a.txt /in/d/sub/b.txt'),
        inputs: { artifacts: [{ name: 'hello', path: '/in/hello.txt' }, { name: 'plain', path: '/in/plain.txt' }, { name: 'dir', path: '/in/d' }] },
      },
    ],
  })

test('output artifacts go to S3 in Argo\'s layout (tar.gz by default, none as is, a folder as a prefix) and a second step reads them back', async () => {
  const r = await run(producer('p1'))
  assert.is(r.status, 'Succeeded', failures(r))
  assert.is(printed(r.steps({ name: 'use' })[0]!), 'helloplainab')
  // the objects are as Argo's executor writes them: the archived one a gzip'd tar of the file, the others plain
  const tgz = await object(`p1/${r.id}/hello.tgz`)
  assert.equal([tgz[0], tgz[1]], [0x1f, 0x8b])
  const tarText = gunzipSync(tgz).toString('latin1')
  assert.is(tarText.slice(0, 9), 'hello.txt')
  assert.ok(tarText.includes('hello'))
  assert.is((await object(`p1/${r.id}/plain.txt`)).toString(), 'plain')
  assert.is((await object(`p1/${r.id}/dir/sub/b.txt`)).toString(), 'b')
})

test('a second workflow reads them by key-only artifacts from the artifact repository ConfigMap, and a key prefix as a folder', async () => {
  const first = await run(producer('p2'))
  assert.is(first.status, 'Succeeded', failures(first))
  const repo = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'artifact-repositories', annotations: { 'workflows.argoproj.io/default-artifact-repository': 'mine' } },
    data: { mine: `s3:\n  bucket: artifacts\n  endpoint: ${host()}\n  insecure: true\n  accessKeySecret: {name: cred, key: accesskey}\n  secretKeySecret: {name: cred, key: secretkey}\n` },
  }
  const reader = wf({
    entrypoint: 'read',
    templates: [
      {
        ...echo('read', 'cat /in/h.txt; echo; ls /in/d /in/d/sub; cat /in/raw.tgz | head -c 2 | od -An -tx1'),
        inputs: {
          artifacts: [
            { name: 'h', path: '/in/h.txt', s3: { key: `p2/${first.id}/hello.tgz` } },
            { name: 'd', path: '/in/d', s3: { key: `p2/${first.id}/dir` } },
            { name: 'raw', path: '/in/raw.tgz', archive: { none: {} }, s3: { key: `p2/${first.id}/hello.tgz` } },
          ],
        },
        outputs: { artifacts: [{ name: 'copy', path: '/in/h.txt', s3: { key: `p2/copy/{{workflow.name}}.tgz` } }] },
      },
    ],
  })
  const r = await run(reader, { configmaps: [repo] })
  assert.is(r.status, 'Succeeded', failures(r))
  assert.equal(String(r.steps({})[0]!.outputs.result).split(/\s+/).filter(Boolean), ['hello', '/in/d:', 'a.txt', 'sub', '/in/d/sub:', 'b.txt', '1f', '8b'])
  assert.ok(gunzipSync(await object(`p2/copy/${r.id}.tgz`)).toString('latin1').startsWith('h.txt'))
  // named by spec.artifactRepositoryRef instead, the ConfigMap must be given
  const refd = { ...reader, spec: { ...reader.spec, artifactRepositoryRef: { configMap: 'my-repos', key: 'x' } } }
  assert.equal(problemsOf(refd, { secrets: [secret] }), ['spec.artifactRepositoryRef.configMap: no ConfigMap named "my-repos" holds the artifact repository'])
})

test('an object put by another tool is read as Argo reads it: a plain file as it is, a missing optional input skipped', async () => {
  await client().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'outside/data.txt', Body: 'from outside' }))
  const doc = wf({
    entrypoint: 'e',
    templates: [{ ...echo('e', 'cat /in/data.txt; ls /in'), inputs: { artifacts: [{ name: 'x', path: '/in/data.txt', s3: at('outside/data.txt') }, { name: 'y', path: '/in/none', optional: true, s3: at('outside/none') }] } }],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', failures(r))
  assert.is(String(r.steps({})[0]!.outputs.result).trim(), 'from outsidedata.txt')
  // a workflow's own arguments.artifacts with s3: the entrypoint's input (workflow-template/input-artifacts)
  const top = wf({ entrypoint: 'e', arguments: { artifacts: [{ name: 'x', s3: at('outside/data.txt') }] }, templates: [{ ...echo('e', 'cat /in/x'), inputs: { artifacts: [{ name: 'x', path: '/in/x' }] } }] })
  const r2 = await run(top)
  assert.is(r2.status, 'Succeeded', failures(r2))
  assert.is(r2.steps({})[0]!.outputs.result, 'from outside')
  const listed = await client().send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'outside/' }))
  assert.equal(listed.Contents?.map((c) => c.Key), ['outside/data.txt'])
})

test('bad credentials fail the step saying where; a missing key fails a required input', async () => {
  const bad = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo -n x > /tmp/x'), outputs: { artifacts: [{ name: 'x', path: '/tmp/x', s3: at('bad/x.tgz', 'wrong') }] } }] })
  const r = await run(bad)
  assert.is(r.status, 'Failed')
  assert.match(failures(r), /s3:\/\/artifacts\/bad\/x\.tgz/)
  const gone = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'cat /in/x'), inputs: { artifacts: [{ name: 'x', path: '/in/x', s3: at('no/such/key') }] } }] })
  const r2 = await run(gone)
  assert.is(r2.status, 'Failed')
  assert.match(failures(r2), /input artifact x: it could not be read from s3:\/\/artifacts\/no\/such\/key/)
})

test('what cannot be done locally is refused naming the field', () => {
  const out = (s3: unknown, extra: Record<string, unknown> = {}) => wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), outputs: { artifacts: [{ name: 'a', path: '/tmp/a', s3, ...extra }] } }] })
  const p = 'spec.templates.0.outputs.artifacts.0'
  assert.equal(problemsOf(out({ ...at('k'), useSDKCreds: true }), { secrets: [secret] }), [`${p}.s3.useSDKCreds: "useSDKCreds" of an S3 location is not supported locally`])
  assert.equal(problemsOf(out({ bucket: 'artifacts', endpoint: host(), key: 'k' }), { secrets: [secret] }), [`${p}.s3.accessKeySecret: an S3 location needs accessKeySecret (a Secret's name and key) locally`])
  assert.equal(problemsOf(out(at('k'))), [`${p}.s3.accessKeySecret: no Secret named "cred"`])
  assert.equal(problemsOf(out({ bucket: 'artifacts', key: 'k', ...cred() }), { secrets: [secret] }), [`${p}.s3.endpoint: an S3 location needs an endpoint (HOST:PORT) locally`])
  assert.equal(problemsOf(out({ endpoint: host(), key: 'k', ...cred() }), { secrets: [secret] }), [`${p}.s3.bucket: an S3 location needs a bucket`])
  assert.equal(problemsOf(out(at('k'), { archive: { zip: {} } }), { secrets: [secret] }), [`${p}.archive.zip: zip archives are not supported locally`])
  assert.equal(problemsOf(out({ ...at('k'), bucket: '{{workflow.name}}' }), { secrets: [secret] }), [`${p}.s3.bucket: "{{workflow.name}}" must be literal text here (tags are substituted in the key only)`])
})

test('dflow run --store s3://BUCKET/PREFIX is the repository of key-only artifacts (the controller\'s default), read back by a second run', () => {
  const dir = join(tmp.path, 'cli')
  mkdirSync(dir, { recursive: true })
  const put = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo -n stored > /tmp/o.txt'), outputs: { artifacts: [{ name: 'o', path: '/tmp/o.txt', s3: { key: 'cli/o.tgz' } }] } }] })
  const get = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'cat /in/o.txt'), inputs: { artifacts: [{ name: 'o', path: '/in/o.txt', s3: { key: 'cli/o.tgz' } }] } }] })
  writeFileSync(join(dir, 'put.json'), JSON.stringify(put))
  writeFileSync(join(dir, 'get.json'), JSON.stringify(get))
  const env = { ...s3rverEnv(s3().endpoint), NODE_NO_WARNINGS: '1' }
  const a = dflowWith(env, dir, 'run', 'put.json', '--store', 's3://artifacts/repo')
  assert.is(a.code, 0, a.err + a.out)
  const b = dflowWith(env, dir, 'run', 'get.json', '--store', 's3://artifacts/repo')
  assert.is(b.code, 0, b.err + b.out)
  assert.match(b.out, /result=stored/)
  // without the store, the key is looked for in the local folder repository, where it is not
  const c = dflowWith({ ...env, DFLOW_ARGO_ARTIFACT_DIR: join(dir, 'repo') }, dir, 'run', 'get.json')
  assert.is.not(c.code, 0)
})

test('the object of a key-only artifact with --store is in Argo\'s layout under the prefix', async () => {
  const tgz = await object('repo/cli/o.tgz')
  assert.ok(gunzipSync(tgz).toString('latin1').startsWith('o.txt'))
})

test.run()
