import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, podName, type ArgoRun } from '../../../lib/argo/index.ts'
import type { ArtifactOutput } from '../../../lib/run/artifact-output.ts'
import { argoUpload, repositories, s3Repo } from '../../helpers/argo-repository.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { S3RVER_CREDENTIALS, startS3rver, type S3rver } from '../../helpers/s3rver.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * Output artifacts of a workflow on Argo, downloaded from its artifact repository through the store: the
 * client against `dflow server` on loopback (the STAND-IN; its runner the test-only `scriptedRunner`, which
 * reports the artifacts' keys), the repository a real S3 server, s3rver, into which the test writes the
 * objects as Argo's executor does (`KEY.tgz`, or unarchived under `KEY/`).
 */
const test = suite('argo client: output artifacts from the repository (stand-in; scripted runner; s3rver)')
const tmp = tempDir('argo-artifacts')
let s3: S3rver
test.before(async () => {
  s3 = await startS3rver(join(tmp.path, 's3'), ['artifacts', 'other'])
})
test.after(async () => {
  await s3.stop()
  tmp.cleanup()
})

const manifest = (name: string, spec: Record<string, unknown> = {}) =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }], ...spec } }) as any

test("a step's output artifacts download from the repository the workflow used: a .tgz, an unarchived folder, another bucket", async () => {
  const src = join(tmp.path, 'src')
  mkdirSync(join(src, 'out', 'sub'), { recursive: true })
  writeFileSync(join(src, 'bar.txt'), 'Hello\nHello\n')
  writeFileSync(join(src, 'out', 'a.txt'), 'a')
  writeFileSync(join(src, 'out', 'sub', 'b.txt'), 'b')
  const pod = (wf: string) => podName(wf, `${wf}[0].dup`, 'main')
  const { server, kubeconfig } = await standIn(tmp.path, {
    runner: scriptedRunner((wf) => [
      {
        name: 'dup',
        template: 'main',
        outputs: {
          artifacts: [
            { name: 'bar', path: '/tmp/bar.txt', s3: { key: `${wf.metadata.name}/${pod(wf.metadata.name!)}/bar.tgz` } },
            { name: 'out', path: '/tmp/out', s3: { key: `${wf.metadata.name}/${pod(wf.metadata.name!)}/out` } },
            { name: 'elsewhere', path: '/tmp/bar.txt', s3: { bucket: 'other', key: `x/bar.tgz` } },
          ],
        },
      },
    ]),
  })
  try {
    await argoUpload(s3.endpoint, 'artifacts', `arts/${pod('arts')}/bar.tgz`, join(src, 'bar.txt'), 'tar')
    await argoUpload(s3.endpoint, 'artifacts', `arts/${pod('arts')}/out`, join(src, 'out'), 'none')
    await argoUpload(s3.endpoint, 'other', 'x/bar.tgz', join(src, 'bar.txt'), 'tar')
    // The namespace's repository, as Argo configures it: the key the ConfigMap's annotation names.
    const k8s = await import('@kubernetes/client-node')
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(kubeconfig)
    await kc.makeApiClient(k8s.CoreV1Api).createNamespacedConfigMap({
      namespace: 'argo',
      body: repositories('artifact-repositories', { mine: s3Repo(s3.endpoint, 'artifacts') }, 'mine'),
    })
    const client = argo({ kubeconfig, artifacts: { credentials: S3RVER_CREDENTIALS } })
    const done: ArgoRun = await (await client.submit(manifest('arts'))).wait()
    assert.is(done.status, 'Succeeded')
    const outs = done.step('dup').outputs as Record<string, ArtifactOutput>
    assert.is(outs['bar']!.store, 's3://artifacts/')
    assert.is(outs['bar']!.key, `arts/${pod('arts')}/bar`)
    const got = join(tmp.path, 'got')
    const bar = await outs['bar']!.download(got)
    assert.is(bar, join(got, 'bar'))
    assert.is(readFileSync(bar, 'utf8'), 'Hello\nHello\n')
    const out = await outs['out']!.download(got)
    assert.is(readFileSync(join(out, 'a.txt'), 'utf8'), 'a')
    assert.is(readFileSync(join(out, 'sub', 'b.txt'), 'utf8'), 'b')
    assert.is(outs['elsewhere']!.store, 's3://other/')
    assert.is(readFileSync(await outs['elsewhere']!.download(join(tmp.path, 'got2')), 'utf8'), 'Hello\nHello\n')
    // A key that is not there is the store's error, naming it.
    await (done.step('dup').outputs as Record<string, ArtifactOutput>)['bar']!.download(got).then(
      () => assert.unreachable('bar is there already'),
      (e: Error) => assert.match(e.message, /exists already/),
    )
  } finally {
    await server.close()
  }
})

test('the repository of spec.artifactRepositoryRef, and a clear error when there is none', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, {
    runner: scriptedRunner([{ name: 'dup', template: 'main', outputs: { artifacts: [{ name: 'bar', s3: { key: 'gone/bar.tgz' } }] } }]),
  })
  try {
    const k8s = await import('@kubernetes/client-node')
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(kubeconfig)
    const client = argo({ kubeconfig, artifacts: { credentials: S3RVER_CREDENTIALS } })
    const none = await (await client.submit(manifest('no-repo'))).wait()
    const bar = (none.step('dup').outputs as Record<string, ArtifactOutput>)['bar']!
    await bar.download(join(tmp.path, 'none')).then(
      () => assert.unreachable('no repository'),
      (e: Error) => assert.match(e.message, /artifacts of workflow no-repo: the artifact repository is not known \(no ConfigMap artifact-repositories in argo/),
    )
    await kc.makeApiClient(k8s.CoreV1Api).createNamespacedConfigMap({ namespace: 'argo', body: repositories('repos', { b: s3Repo(s3.endpoint, 'other') }) })
    const ref = await (await client.submit(manifest('by-ref', { artifactRepositoryRef: { configMap: 'repos', key: 'b' } }))).wait()
    const at = (ref.step('dup').outputs as Record<string, ArtifactOutput>)['bar']!
    assert.is(at.store, 's3://other/')
    await at.download(join(tmp.path, 'ref')).then(
      () => assert.unreachable('nothing under that key'),
      (e: Error) => assert.match(e.message, /key "gone\/bar": no such object, and no objects under it/),
    )
  } finally {
    await server.close()
  }
})

test.run()
