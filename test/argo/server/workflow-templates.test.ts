import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, type ArgoClient, type ArgoRun } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

// WorkflowTemplates and ClusterWorkflowTemplates on `dflow server` (its REAL runner: the importer and the
// local interpreter), through the real @kubernetes/client-node and the real kubectl: created, read, listed,
// watched and deleted as workflows are (a ClusterWorkflowTemplate without a namespace), and a Workflow whose
// workflowTemplateRef or templateRef names one the server holds runs it.
const tmp = tempDir('server-wftmpl')
test.after(tmp.cleanup)
const env = { ...process.env, DFLOW_ARGO_ISOLATION: 'none' }
const GROUP = { group: 'argoproj.io', version: 'v1alpha1', namespace: 'argo', plural: 'workflowtemplates' }

/** An output of the calling template that reads its call's result: what makes Argo keep that result (lib/argo/result-capture.ts). */
const SAID = (kind: 'steps' | 'tasks', name: string) => ({ parameters: [{ name: 'said', valueFrom: { parameter: `{{${kind}.${name}.outputs.result}}` } }] })

/** The `outputs.result` of a run's Pod nodes, as its status has them. */
const results = (r: { workflow: Record<string, unknown> }) =>
  Object.values((r.workflow['status'] as { nodes: Record<string, { type: string; outputs?: { result?: string } }> }).nodes)
    .filter((n) => n.type === 'Pod')
    .map((n) => n.outputs?.result)

/** A Workflow of this spec submitted through the client and followed to its end. */
const ran = (client: ArgoClient, generateName: string, spec: Record<string, unknown>) => client.submit({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName }, spec } as any).then((r) => r.wait())
/** The message of a run's status. */
const messageOf = (r: { workflow: Record<string, unknown> }) => String((r.workflow['status'] as { message?: string }).message)
/** Asserts that a run Succeeded and its Pod nodes' results. */
const succeeded = (r: ArgoRun, expected: readonly string[]) => {
  assert.is(r.status, 'Succeeded', messageOf(r))
  assert.equal(results(r), expected)
}

const template = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'greet' },
  spec: {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'who', value: 'world' }] },
    templates: [
      { name: 'main', inputs: { parameters: [{ name: 'who', value: '{{workflow.parameters.who}}' }] }, outputs: SAID('steps', 'say'), steps: [[{ name: 'say', template: 'say', arguments: { parameters: [{ name: 'm', value: 'hello {{inputs.parameters.who}}' }] } }]] },
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
    succeeded(await ran(client, 'by-ref-', { arguments: { parameters: [{ name: 'who', value: 'ref' }] }, workflowTemplateRef: { name: 'greet' } }), ['hello ref'])
    succeeded(await ran(client, 'tref-', { entrypoint: 'w', templates: [{ name: 'w', outputs: SAID('steps', 'call'), steps: [[{ name: 'call', templateRef: { name: 'greet', template: 'say' }, arguments: { parameters: [{ name: 'm', value: 'from a templateRef' }] } }]] }] }), ['from a templateRef'])

    await api.deleteNamespacedCustomObject({ ...GROUP, name: 'greet' })
    for (let i = 0; i < 50 && !events.includes('DELETED greet'); i++) await new Promise((r) => setTimeout(r, 20))
    stop.abort()
    assert.equal(events, ['ADDED greet', 'DELETED greet'])
    const gone = await ran(client, 'gone-', { workflowTemplateRef: { name: 'greet' } })
    assert.is(gone.status, 'Error')
    assert.match(messageOf(gone), /greet/)
  } finally {
    await server.close()
  }
})

const CLUSTER = { group: 'argoproj.io', version: 'v1alpha1', plural: 'clusterworkflowtemplates' }
const CWFT = `apiVersion: argoproj.io/v1alpha1
kind: ClusterWorkflowTemplate
metadata:
  name: cluster-say
spec:
  entrypoint: main
  arguments:
    parameters:
    - name: who
      value: cluster
  templates:
  - name: main
    outputs:
      parameters:
      - name: said
        valueFrom: { parameter: "{{steps.say.outputs.result}}" }
    steps:
    - - name: say
        template: say
        arguments:
          parameters:
          - name: m
            value: "hello {{workflow.parameters.who}}"
  - name: say
    inputs:
      parameters:
      - name: m
    container:
      image: alpine:3.20
      command: [echo, "{{inputs.parameters.m}}"]
`

test('clusterworkflowtemplates are served, cluster-scoped: kubectl create / get / delete, the client\'s cluster calls and watch; a templateRef with clusterScope: true and a cluster workflowTemplateRef run them', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state'), env }), tickMs: 20 })
  const kubectl = (...args: string[]) => promisify(execFile)('kubectl', ['--cache-dir', join(tmp.path, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: kubeconfig }, cwd: tmp.path, timeout: 60_000 })
  try {
    const k8s = await import('@kubernetes/client-node')
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(kubeconfig)
    const api = kc.makeApiClient(k8s.CustomObjectsApi)
    const events: string[] = []
    const stop = await new k8s.Watch(kc).watch('/apis/argoproj.io/v1alpha1/clusterworkflowtemplates', { resourceVersion: '0' }, (type: string, o: { metadata: { name: string } }) => events.push(`${type} ${o.metadata.name}`), () => {})

    writeFileSync(join(tmp.path, 'cwft.yaml'), CWFT)
    const created = await kubectl('create', '-f', 'cwft.yaml')
    assert.match(created.stdout, /^clusterworkflowtemplate\.argoproj\.io\/cluster-say created$/m)
    assert.match((await kubectl('get', 'cwft')).stdout, /^NAME\s+AGE\ncluster-say\s+\d+s$/m)
    const got = (await api.getClusterCustomObject({ ...CLUSTER, name: 'cluster-say' })) as { kind: string; metadata: { namespace?: string; uid: string } }
    assert.is(got.kind, 'ClusterWorkflowTemplate')
    assert.is(got.metadata.namespace, undefined)
    assert.ok(got.metadata.uid)
    // one made by the client, and the list of both (a cluster-scoped object is in no namespace: a namespaced path does not serve it)
    await api.createClusterCustomObject({ ...CLUSTER, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'ClusterWorkflowTemplate', metadata: { name: 'cluster-echo' }, spec: { templates: [{ name: 'echo', inputs: { parameters: [{ name: 'm' }] }, container: { image: 'alpine:3.20', command: ['echo', '{{inputs.parameters.m}}'] } }] } } })
    assert.equal(((await api.listClusterCustomObject(CLUSTER)) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name), ['cluster-echo', 'cluster-say'])
    const namespaced = await api.getNamespacedCustomObject({ ...CLUSTER, namespace: 'argo', name: 'cluster-say' }).then(() => 0, (e: { code?: number }) => e.code)
    assert.is(namespaced, 404)
    const taken = await api.createClusterCustomObject({ ...CLUSTER, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'ClusterWorkflowTemplate', metadata: { name: 'cluster-echo' }, spec: {} } }).then(() => 0, (e: { code?: number }) => e.code)
    assert.is(taken, 409)

    const client = argo({ kubeconfig })
    succeeded(await ran(client, 'cluster-ref-', { workflowTemplateRef: { name: 'cluster-say', clusterScope: true } }), ['hello cluster'])
    succeeded(await ran(client, 'cluster-tref-', { entrypoint: 'w', templates: [{ name: 'w', outputs: SAID('tasks', 'call'), dag: { tasks: [{ name: 'call', templateRef: { name: 'cluster-echo', template: 'echo', clusterScope: true }, arguments: { parameters: [{ name: 'm', value: 'from a cluster templateRef' }] } }] } }] }), ['from a cluster templateRef'])
    // a namespaced WorkflowTemplate of that name does not stand in for the cluster one
    const namespacedOnly = await ran(client, 'ns-ref-', { workflowTemplateRef: { name: 'cluster-say' } })
    assert.is(namespacedOnly.status, 'Error')
    assert.match(messageOf(namespacedOnly), /no WorkflowTemplate named "cluster-say"/)

    assert.match((await kubectl('delete', 'clusterworkflowtemplate', 'cluster-say')).stdout, /"cluster-say" deleted/)
    await api.deleteClusterCustomObject({ ...CLUSTER, name: 'cluster-echo' })
    for (let i = 0; i < 50 && !events.includes('DELETED cluster-echo'); i++) await new Promise((r) => setTimeout(r, 20))
    stop.abort()
    assert.equal(events, ['ADDED cluster-say', 'ADDED cluster-echo', 'DELETED cluster-say', 'DELETED cluster-echo'])
    assert.equal(((await api.listClusterCustomObject(CLUSTER)) as { items: unknown[] }).items, [])
    const gone = await ran(client, 'gone-', { workflowTemplateRef: { name: 'cluster-say', clusterScope: true } })
    assert.is(gone.status, 'Error')
    assert.match(messageOf(gone), /no ClusterWorkflowTemplate named "cluster-say"/)
  } finally {
    await server.close()
  }
})

test.run()
