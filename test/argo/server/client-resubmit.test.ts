import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, RESUBMITTED_FROM } from '../../../lib/argo/index.ts'
import args from '../../../examples/argo/arguments-parameters.ts'
import { scriptedRunner, type ScriptedStep } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * `run.resubmit()` through the real `@kubernetes/client-node` against `dflow server` on loopback (the
 * STAND-IN; its runner the test-only `scriptedRunner`, which reuses the nodes a workflow arrives with
 * Succeeded, as Argo's controller does with a resubmission's).
 */
const test = suite('argo client: resubmit (stand-in; scripted runner)')
const tmp = tempDir('argo-resubmit')
test.after(tmp.cleanup)

const manifest = (generateName: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName, labels: { team: 'a' } }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } }) as any

test('a Failed workflow resubmitted is a new workflow that reuses its Succeeded steps and runs the rest; a Succeeded one runs everything again', async () => {
  let attempt = 0
  let release!: () => void
  const never = new Promise<void>((r) => (release = r))
  const plan = (wf: { metadata: { name?: string } }): ScriptedStep[] =>
    wf.metadata.name!.startsWith('running-')
      ? [{ name: 'a', template: 'main', until: never }]
      : [
          { name: 'a', template: 'main', log: 'a\n' },
          { name: 'b', template: 'main', fail: () => ++attempt === 1 },
        ]
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner(plan), tickMs: 10 })
  // The pods a workflow ran (a step reused from the earlier workflow has none).
  const podsOf = (wf: string) =>
    server.store
      .list('pods', 'argo', (o) => o.metadata.labels?.['workflows.argoproj.io/workflow'] === wf)
      .items.map((p) => p.metadata.name!.replace(`${wf}-main-`, ''))
      .length
  try {
    const client = argo({ kubeconfig })
    const failed = await (await client.submit(manifest('twice-'))).wait()
    assert.is(failed.status, 'Failed')
    const again = await failed.resubmit()
    assert.ok(again.name !== failed.name && again.name.startsWith('twice-'), again.name)
    assert.is(again.workflow.metadata.labels?.[RESUBMITTED_FROM], failed.name)
    assert.is(again.workflow.metadata.labels?.['team'], 'a')
    const done = await again.wait()
    assert.is(done.status, 'Succeeded')
    assert.is(done.step('a').phase, 'Succeeded')
    assert.is(done.step('a').record.startedAt, failed.step('a').record.startedAt, 'a was reused, not run again')
    assert.is(done.step('b').phase, 'Succeeded')
    assert.is(podsOf(failed.name), 2)
    assert.is(podsOf(again.name), 1, 'only b ran')
    assert.is((await failed.refresh()).status, 'Failed', 'the earlier workflow is left as it was')

    const fresh = await (await done.resubmit()).wait()
    assert.is(fresh.status, 'Succeeded')
    assert.is(podsOf(fresh.name), 2, 'a Succeeded workflow resubmitted runs everything again')
    assert.equal((await client.list({ labels: { [RESUBMITTED_FROM]: failed.name } })).map((r) => r.name), [again.name])
    await failed.resubmit({ name: again.name }).then(
      () => assert.unreachable('the name is taken'),
      (e: { code: number }) => assert.is(e.code, 409),
    )
    await (await client.submit(manifest('running-'))).resubmit().then(
      () => assert.unreachable('running'),
      (e: Error) => assert.match(e.message, /only a finished workflow can be resubmitted/),
    )
    await done.resubmit({ memoized: true }).then(
      () => assert.unreachable('a Succeeded workflow has nothing to reuse'),
      (e: Error) => assert.match(e.message, /only a Failed or Error workflow can be resubmitted reusing its steps/),
    )
  } finally {
    release()
    await server.close()
  }
})

test('resubmitted with the workflow value, it is compiled again and keeps the parameters the earlier workflow was given', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'print-message', template: 'print-message', fail: true }]) })
  try {
    const client = argo({ kubeconfig })
    const failed = await (await client.submit(args, { parameters: { message: 'hi there' } })).wait()
    assert.is(failed.status, 'Failed')
    const again = await failed.resubmit({ workflow: args })
    const spec = again.workflow['spec'] as { arguments?: { parameters?: { name: string; value?: string }[] } }
    assert.equal(spec.arguments?.parameters?.map((p) => [p.name, p.value]), [['message', 'hi there']])
    assert.ok(again.name.startsWith('arguments-parameters-'), again.name)
  } finally {
    await server.close()
  }
})

test.run()
