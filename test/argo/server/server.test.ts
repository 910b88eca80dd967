import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, displayNameOf, fnv32a, groupNodeName, nodeId, podName, stepNodeName, type Runner } from '../../../lib/argo/index.ts'
import { objectJson } from '../../../lib/argo/server/object-json.ts'
import { jsonPatch, mergePatch } from '../../../lib/argo/server/patch.ts'
import { fieldSelector, labelSelector } from '../../../lib/argo/server/selectors.ts'
import { ageOf } from '../../../lib/argo/server/table.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/** The local API server's parts, and the server itself (the STAND-IN; runner: the test-only `scriptedRunner`). */
const test = suite('local API server')
const tmp = tempDir('api-server')
test.after(tmp.cleanup)

const wf = (generateName: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } }) as any

test('node ids and pod names follow Argo: FNV-1a of the node name; displayName is the last part', () => {
  assert.is(fnv32a('hello'), 1335831723)
  assert.is(nodeId('wf', 'wf'), 'wf')
  assert.is(nodeId('wf', 'hello'), 'wf-1335831723')
  assert.is(podName('wf', 'hello', 'tpl'), 'wf-tpl-1335831723')
  assert.is(podName('wf', 'wf', 'tpl'), 'wf')
  assert.is(podName('w'.repeat(200), 'hello', 't'.repeat(100)).length, 253)
  assert.equal(['wf[0].print(1:b.c)', 'wf[0]', 'wf.A', 'wf', 'wf[0].outer[1]'].map(displayNameOf), ['print(1:b.c)', '[0]', 'A', 'wf', '[1]'])
})

test('merge patch and JSON patch as Kubernetes applies them', () => {
  assert.equal(mergePatch({ spec: { suspend: true, e: 'm' } }, { spec: { suspend: null, shutdown: 'Stop' } }), { spec: { e: 'm', shutdown: 'Stop' } })
  assert.equal(jsonPatch({ a: { b: [1, 2] } }, [{ op: 'add', path: '/a/b/-', value: 3 }, { op: 'replace', path: '/a/b/0', value: 0 }, { op: 'remove', path: '/a/b/1' }]), { a: { b: [0, 3] } })
  assert.equal(jsonPatch({ a: 1 }, [{ op: 'move', from: '/a', path: '/b' }, { op: 'copy', from: '/b', path: '/c' }, { op: 'test', path: '/c', value: 1 }]), { b: 1, c: 1 })
  assert.throws(() => jsonPatch({}, [{ op: 'replace', path: '/x', value: 1 }]), /operation 0: path \/x does not exist/)
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), /test failed/)
})

test('label and field selectors', () => {
  const o = { metadata: { name: 'x', namespace: 'argo', labels: { team: 'a', 'workflows.argoproj.io/completed': 'true' } } }
  const yes = ['team=a', 'team==a', 'team!=b', 'team in (a,b)', 'env notin (prod)', 'team', '!env', 'team=a,workflows.argoproj.io/completed=true', '']
  const no = ['team=b', 'team in (b)', 'team notin (a)', 'env', '!team', 'team=a,env=x']
  assert.equal(yes.filter((s) => !labelSelector(s)(o)), [])
  assert.equal(no.filter((s) => labelSelector(s)(o)), [])
  assert.ok(fieldSelector('metadata.name=x,metadata.namespace=argo')(o))
  assert.not.ok(fieldSelector('metadata.name!=x')(o))
  assert.throws(() => fieldSelector('status.phase=Running'), /field label not supported/)
  assert.is(ageOf(new Date(Date.now() - 75_000).toISOString()), '75s')
  assert.is(ageOf(new Date(Date.now() - 3 * 3600_000).toISOString()), '3h')
})

test('a 1,000-node fan-out is written once per tick, not once per node change', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'many', template: 'main', fanOut: 1000 }]), tickMs: 50 })
  try {
    let modified = 0
    server.store.onChange((c) => c.resource === 'workflows' && c.type === 'MODIFIED' && modified++)
    const done = await (await argo({ kubeconfig }).submit(wf('fan-'))).wait()
    assert.is(done.status, 'Succeeded')
    assert.is(done.steps({ type: 'Pod', phase: 'Succeeded' }).length, 1000)
    assert.is(done.steps()[0]!.id, 'many(0)')
    assert.is((done.workflow['status'] as { progress: string }).progress, '1000/1000')
    // 3,000 node changes and more; the replay sends them all within a tick or two.
    assert.ok(modified <= 6, `${modified} status writes`)
    assert.is(server.controller.writes(), modified)
  } finally {
    await server.close()
  }
})

test('a status once written never changes: what a watch was sent stays true (children are added to a copy of a written node)', async () => {
  // a fan-out whose items start over many ticks: its group node gains children after statuses holding it were written
  const runner: Runner = async (w, control) => {
    const root = w.metadata.name!
    control.node({ name: root, type: 'Steps', templateName: 'main', phase: 'Running' })
    control.node({ name: groupNodeName(root, 0), type: 'StepGroup', templateName: 'main', phase: 'Running', parent: root, boundary: root })
    for (let i = 0; i < 200; i++) {
      const item = stepNodeName(groupNodeName(root, 0), `many(${i}:${i})`)
      control.node({ name: item, type: 'Pod', templateName: 'main', phase: 'Running', parent: groupNodeName(root, 0), boundary: root })
      control.node({ name: item, phase: 'Succeeded' })
      if (i % 20 === 0) await sleep(15)
    }
    control.node({ name: groupNodeName(root, 0), phase: 'Succeeded' })
    control.node({ name: root, phase: 'Succeeded' })
    return { phase: 'Succeeded' }
  }
  const { server, kubeconfig } = await standIn(tmp.path, { runner, tickMs: 10 })
  try {
    const written: { readonly status: unknown; readonly text: string }[] = []
    server.store.onChange((c) => c.resource === 'workflows' && c.type === 'MODIFIED' && written.push({ status: c.object['status'], text: JSON.stringify(c.object['status']) }))
    const done = await (await argo({ kubeconfig }).submit(wf('fan-'))).wait()
    assert.is(done.status, 'Succeeded')
    assert.ok(written.length >= 4, `${written.length} status writes`)
    for (const w of written) assert.is(JSON.stringify(w.status), w.text)
    const nodes = Object.values((done.workflow['status'] as { nodes: Record<string, { name: string; children?: string[] }> }).nodes)
    const group = nodes.find((n) => n.name.endsWith('[0]'))!
    assert.is(group.children!.length, 200)
    assert.is(new Set(group.children).size, 200)
  } finally {
    await server.close()
  }
})

test('the JSON text of a watched object is JSON.stringify\'s, made once per node: a new status sharing its unchanged nodes', () => {
  const json = objectJson()
  const node = (i: number, phase: string) => ({ id: `n${i}`, name: `wf[0].f(${i}:${i})`, phase, skip: undefined, outputs: { parameters: [{ name: 'y', value: `"${i}"\n` }] } })
  const nodes = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`n${i}`, node(i, 'Running')]))
  const spec = { entrypoint: 'main', templates: [{ name: 'main', fn: () => 1, at: new Date(0) }] }
  const first = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'wf', labels: { a: 'b' } }, spec, status: { phase: 'Running', nodes, gone: undefined } }
  assert.is(json.of(first), JSON.stringify(first))
  const second = { ...first, metadata: { ...first.metadata, resourceVersion: '2' }, status: { phase: 'Running', nodes: { ...nodes, n3: node(3, 'Succeeded') } } }
  assert.is(json.of(second), JSON.stringify(second))
  assert.ok(json.of(second).includes('"n3":{"id":"n3","name":"wf[0].f(3:3)","phase":"Succeeded"'))
  assert.is(json.of({ metadata: {}, status: null } as never), JSON.stringify({ metadata: {}, status: null }))
})

test('in-cluster configuration: the service account token, CA and namespace files, over TLS', async () => {
  const sa = join(tmp.path, 'root', 'var/run/secrets/kubernetes.io/serviceaccount')
  mkdirSync(sa, { recursive: true })
  const key = join(tmp.path, 'key.pem')
  const cert = join(sa, 'ca.crt')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  writeFileSync(join(sa, 'token'), 'sa-token')
  writeFileSync(join(sa, 'namespace'), 'jobs')
  const { server } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'a', template: 'main', log: 'in cluster\n' }]), token: 'sa-token', tls: { cert: readFileSync(cert), key: readFileSync(key) } })
  const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] }
  process.env['KUBERNETES_SERVICE_HOST'] = '127.0.0.1'
  process.env['KUBERNETES_SERVICE_PORT'] = String(server.port)
  try {
    const client = argo({ inCluster: { root: join(tmp.path, 'root') } })
    assert.is(await client.namespace(), 'jobs')
    const done = await (await client.submit(wf('inside-'))).wait()
    assert.is(done.status, 'Succeeded')
    assert.is(done.namespace, 'jobs')
    assert.is(await done.logs('a'), 'in cluster\n')
    writeFileSync(join(sa, 'token'), 'stale')
    await argo({ inCluster: { root: join(tmp.path, 'root') } }).list().then(
      () => assert.unreachable('a wrong token is refused'),
      (e: { code: number }) => assert.is(e.code, 401),
    )
  } finally {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) if (v === undefined) delete process.env[k]
    else process.env[k] = v
    await server.close()
  }
})

test('ConfigMaps (the memoization cache) are stored, listed by label, patched and deleted', async () => {
  const { server } = await standIn(tmp.path, { runner: scriptedRunner([]) })
  try {
    const k8s = await import('@kubernetes/client-node')
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(join(tmp.path, 'kubeconfig'))
    const core = kc.makeApiClient(k8s.CoreV1Api)
    await core.createNamespacedConfigMap({ namespace: 'argo', body: { metadata: { name: 'cache', labels: { 'workflows.argoproj.io/configmap-type': 'Cache' } }, data: { k1: '{"nodeID":"x"}' } } })
    const listed = await core.listNamespacedConfigMap({ namespace: 'argo', labelSelector: 'workflows.argoproj.io/configmap-type=Cache' })
    assert.equal(listed.items.map((c) => c.metadata?.name), ['cache'])
    await core.patchNamespacedConfigMap({ namespace: 'argo', name: 'cache', body: { data: { k2: 'v' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch))
    assert.equal((await core.readNamespacedConfigMap({ namespace: 'argo', name: 'cache' })).data, { k1: '{"nodeID":"x"}', k2: 'v' })
    await core.deleteNamespacedConfigMap({ namespace: 'argo', name: 'cache' })
    await core.readNamespacedConfigMap({ namespace: 'argo', name: 'cache' }).then(
      () => assert.unreachable('deleted'),
      (e: { code: number }) => assert.is(e.code, 404),
    )
  } finally {
    await server.close()
  }
})

test.run()
