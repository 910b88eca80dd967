import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RESUBMITTED_FROM } from '../../../lib/argo/index.ts'
import { dflowAsync as dflow } from '../../helpers/cli.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * `dflow resubmit NAME` on Argo against `dflow server` on loopback (the STAND-IN; its runner the test-only
 * `scriptedRunner`, which reuses the nodes a workflow arrives with Succeeded). Heavy: `dflow` processes.
 */
const test = suite('dflow resubmit on Argo (stand-in; scripted runner)')
const tmp = tempDir('kube-resubmit')
test.after(tmp.cleanup)

test('dflow resubmit NAME --wait: a new workflow that reuses the Succeeded steps and runs the failed one; --json', async () => {
  let attempt = 0
  const { server, kubeconfig } = await standIn(tmp.path, {
    runner: scriptedRunner([{ name: 'a', template: 'main' }, { name: 'b', template: 'main', fail: () => ++attempt === 1 }]),
    tickMs: 10,
  })
  try {
    const k = ['--kubeconfig', kubeconfig]
    writeFileSync(join(tmp.path, 'wf.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: once\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: { image: alpine }\n')
    const sub = await dflow({}, 'submit', join(tmp.path, 'wf.yaml'), ...k, '--wait')
    assert.is(sub.code, 1, sub.err)
    const again = await dflow({}, 'resubmit', 'once', ...k, '--wait')
    assert.is(again.code, 0, again.err)
    assert.match(again.out, /^once-\S{5} Succeeded in .* — 2 Succeeded$/m)
    const name = /workflow: argo\/(once-\S{5})/.exec(again.out)![1]!
    assert.is(server.store.get('workflows', 'argo', name).metadata.labels?.[RESUBMITTED_FROM], 'once')
    const json = JSON.parse((await dflow({}, 'resubmit', name, ...k, '--json')).out)
    assert.ok(json.name.startsWith(`${name}-`), json.name)
    assert.is(json.namespace, 'argo')
  } finally {
    await server.close()
  }
})

test.run()
