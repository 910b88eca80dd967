import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { podName } from '../../../lib/argo/index.ts'
import { argoUpload, repositories, s3Repo } from '../../helpers/argo-repository.ts'
import { dflowAsync as dflow } from '../../helpers/cli.ts'
import { s3rverEnv, startS3rver } from '../../helpers/s3rver.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * `dflow download NAME STEP ARTIFACT -o DIR` on Argo: from `dflow server` on loopback (the STAND-IN; its runner
 * the test-only `scriptedRunner`, which reports the artifact's key) and the repository in s3rver, where the
 * test puts the object as Argo's executor does. Heavy: a `dflow` process and s3rver.
 */
const test = suite('dflow download on Argo (stand-in; scripted runner; s3rver)')
const tmp = tempDir('kube-download')

test('the artifact lands in DIR under its name; an unknown one is an error listing those there are', async () => {
  const s3 = await startS3rver(join(tmp.path, 's3'))
  const key = `dl/${podName('dl', 'dl[0].make', 'main')}/bar.tgz`
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'make', template: 'main', outputs: { artifacts: [{ name: 'bar', s3: { key } }] } }]) })
  try {
    writeFileSync(join(tmp.path, 'bar.txt'), 'from the repository\n')
    await argoUpload(s3.endpoint, 'artifacts', key, join(tmp.path, 'bar.txt'), 'tar')
    server.store.create('configmaps', repositories('artifact-repositories', { 'default-v1': s3Repo('http://minio.argo:9000', 'artifacts') }) as never)
    writeFileSync(join(tmp.path, 'wf.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: dl\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: { image: alpine }\n')
    const k = ['--kubeconfig', kubeconfig]
    assert.is((await dflow({}, 'submit', join(tmp.path, 'wf.yaml'), ...k, '--wait')).code, 0)
    // The repository's endpoint is the cluster's inside name: AWS_ENDPOINT_URL_S3 says where it is from here.
    const got = await dflow(s3rverEnv(s3.endpoint), 'download', 'dl', 'make', 'bar', '-o', join(tmp.path, 'out'), ...k)
    assert.is(got.code, 0, got.err)
    assert.is(got.out.trim(), join(tmp.path, 'out', 'bar'))
    assert.is(readFileSync(join(tmp.path, 'out', 'bar'), 'utf8'), 'from the repository\n')
    const nope = await dflow(s3rverEnv(s3.endpoint), 'download', 'dl', 'make', 'baz', '-o', join(tmp.path, 'out'), ...k)
    assert.is(nope.code, 1)
    assert.match(nope.err, /step "make" of dl has no output artifact "baz" \(it has: bar; its phase is Succeeded\)/)
  } finally {
    await server.close()
    await s3.stop()
    tmp.cleanup()
  }
})

test.run()
