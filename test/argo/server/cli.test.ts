import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dflowAsync } from '../../helpers/cli.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { kubeconfigFor, standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * The `dflow` verbs on Argo, by workflow name, against `dflow server` on loopback (the STAND-IN; its runner
 * here is the test-only `scriptedRunner`, which replays node transitions).
 */
const test = suite('dflow CLI verbs on Argo (stand-in; scripted runner)')
const tmp = tempDir('kube-cli')
test.after(tmp.cleanup)

const dflow = dflowAsync


test('without a cluster submit and terminate say how to name one, and the other verbs look for a run folder; an unreachable cluster is a clear error', async () => {
  const none = await dflow({}, 'submit', 'x.ts')
  assert.is(none.code, 2)
  assert.match(none.err, /give --kubeconfig FILE, --kube-context NAME or KUBECONFIG/)
  assert.match((await dflow({}, 'terminate', 'x')).err, /works on Argo only, by workflow name: give --kubeconfig FILE/)
  const local = await dflow({}, 'get', 'x')
  assert.is(local.code, 2)
  assert.match(local.err, /dflow get: x is not a run folder \(no workflow.json there, nor under .dflow-runs\)/)
  const k = join(tmp.path, 'gone')
  writeFileSync(k, kubeconfigFor('http://127.0.0.1:9'))
  const gone = await dflow({}, 'get', 'x', '--kubeconfig', k)
  assert.is(gone.code, 2)
  assert.match(gone.err, /dflow get: get workflow x in argo: cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED/)
  const ctx = await dflow({}, 'list', '--kubeconfig', k, '--kube-context', 'nope')
  assert.match(ctx.err, /kube context "nope" is not in the kubeconfig \(it has: stand-in\)/)
})

test.run()
