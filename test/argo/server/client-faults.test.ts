import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, KubeError } from '../../../lib/argo/index.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * Faults of the Argo client's watch, through the real `@kubernetes/client-node` against `dflow server` on
 * loopback (the STAND-IN; its runner the test-only `scriptedRunner`).
 */
const test = suite('argo client: watch faults (stand-in; scripted runner)')
const tmp = tempDir('argo-faults')
test.after(tmp.cleanup)

const manifest = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'held' }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } } as any

test('an API server that goes away while a workflow is watched: the watch retries, then fails saying it cannot reach it (no hang)', async () => {
  let release!: () => void
  const never = new Promise<void>((r) => (release = r))
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'a', template: 'main', until: never }]), tickMs: 10 })
  const run = await argo({ kubeconfig }).submit(manifest)
  let seen = 0
  const ended = (async () => {
    for await (const r of run.watch({ backoffMs: 10, retries: 2 })) {
      seen++
      if (r.steps({ phase: 'Running' }).length && seen < 100) void server.close()
    }
  })().then(
    () => new Error('the watch ended without an error'),
    (e: unknown) => e as Error,
  )
  const e = (await ended) as KubeError
  release()
  assert.instance(e, KubeError, String(e))
  assert.is(e.code, 0)
  assert.match(e.message, /cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/)
})

test.run()
