import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { argo } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

// WorkflowTemplates on `dflow server` (its REAL runner: the importer and the local interpreter), through the
// real @kubernetes/client-node: created, read, listed, watched and deleted as workflows are, and a Workflow
// whose workflowTemplateRef or templateRef names one the server holds runs it.
const tmp = tempDir('server-wftmpl')
test.after(tmp.cleanup)
const env = { ...process.env, DFLOW_ARGO_ISOLATION: 'none' }
const GROUP = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'argo', plural: 'workflowtemplates' }

/** The `outputs.result` of a run's Pod nodes, as its status has them. */
const results = (r: { workflow: Record<string, unknown> }) =>
  Object.values((r.workflow['status'] as { nodes: Record<string, { type: string; outputs?: { result?: string } }> }).nodes)
    .filter((n) => n.type === 'Pod')
    .map((n) => n.outputs?.result)

const template = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'greet' },
  spec: {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'who', value: 'world' }] },
    templates: [
      { name: 'main', inputs: { parameters: [{ name: 'who', value: '{{workflow.parameters.who}}' }] }, steps: [[{ name: 'say', template: 'say', arguments: { parameters: [{ name: 'm', value: 'hello {{inputs.parameters.who}}' }] } }]] },
      { name: 'say', inputs: { parameters: [{ name: 'm' }] }, container: { image: 'alpine:3.20', command: ['echo', '{{inputs.parameters.m}}'] } },
    ],
  },
}

test('workflowtemplates are served: create, get, list, watch, delete; a workflowTemplateRef and a templateRef run the one the server holds', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state'), env }), tickMs: 20 })
  try {
    const k8s = await import('@kubernetes/client-node')
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(kubeconfig)
    const api = kc.makeApiClient(k8s.CustomObjectsApi)
    const created = (await api.createNamespacedCustomObject({ ...GROUP, body: template })) as { metadata: { name: string; resourceVersion: string } }
    assert.is(created.metadata.name, 'greet')
    assert.is(((await api.getNamespacedCustomObject({ ...GROUP, name: 'greet' })) as { kind: string }).kind, 'WorkflowTemplate')
    assert.equal(((await api.listNamespacedCustomObject(GROUP)) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name), ['greet'])
    const events: string[] = []
    const stop = await new k8s.Watch(kc).watch('/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates', { resourceVersion: '0' }, (type: string, o: { metadata: { name: string } }) => events.push(`${type} ${o.metadata.name}`), () => {})

    const client = argo({ kubeconfig })
    const byRef = await (await client.submit({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'by-ref-' }, spec: { arguments: { parameters: [{ name: 'who', value: 'ref' }] }, workflowTemplateRef: { name: 'greet' } } } as any)).wait()
    assert.is(byRef.status, 'Succeeded', JSON.stringify((byRef.workflow['status'] as { message?: string }).message))
    assert.equal(results(byRef), ['hello ref'])
    const byTemplateRef = await (
      await client.submit({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { generateName: 'tref-' },
        spec: { entrypoint: 'w', templates: [{ name: 'w', steps: [[{ name: 'call', templateRef: { name: 'greet', template: 'say' }, arguments: { parameters: [{ name: 'm', value: 'from a templateRef' }] } }]] }] },
      } as any)
    ).wait()
    assert.is(byTemplateRef.status, 'Succeeded', JSON.stringify((byTemplateRef.workflow['status'] as { message?: string }).message))
    assert.equal(results(byTemplateRef), ['from a templateRef'])

    await api.deleteNamespacedCustomObject({ ...GROUP, name: 'greet' })
    for (let i = 0; i < 50 && !events.includes('DELETED greet'); i++) await new Promise((r) => setTimeout(r, 20))
    stop.abort()
    assert.equal(events, ['ADDED greet', 'DELETED greet'])
    const gone = await client.submit({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'gone-' }, spec: { workflowTemplateRef: { name: 'greet' } } } as any).then((r) => r.wait())
    assert.is(gone.status, 'Error')
    assert.match(String((gone.workflow['status'] as { message?: string }).message), /greet/)
  } finally {
    await server.close()
  }
})

test.run()
