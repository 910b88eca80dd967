import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { argo } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

// The nodes of withItems / withParam / withSequence items on `dflow server` (its REAL runner: the importer and
// the local interpreter), read through dflow's argo() client (the real @kubernetes/client-node): named as Argo's
// controller names them, `NAME(i:VALUE)` — a withParam item by its value (known only at run time), a map
// item by its `key:value` pairs sorted and joined with commas, parentheses dropped from the value.
const tmp = tempDir('server-item-names')
test.after(tmp.cleanup)
const env = { ...process.env, DFLOW_ARGO_ISOLATION: 'none' }

test('withParam, withItems (scalars and maps) and withSequence items are named by their values, as Argo names them', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state'), env }), tickMs: 20 })
  try {
    const wf = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'items-' },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            steps: [
              [{ name: 'gen', template: 'gen' }],
              [
                { name: 'param', template: 'echo', arguments: { parameters: [{ name: 'm', value: '{{item}}' }] }, withParam: '{{steps.gen.outputs.result}}' },
                { name: 'maps', template: 'echo', arguments: { parameters: [{ name: 'm', value: '{{item.os}}' }] }, withItems: [{ os: 'debian', tag: '9.1' }, { tag: 'x', os: 'alpine (edge)' }] },
                { name: 'seq', template: 'echo', arguments: { parameters: [{ name: 'm', value: '{{item}}' }] }, withSequence: { start: '3', count: '2' } },
              ],
            ],
          },
          { name: 'gen', script: { image: 'alpine:3.20', command: ['sh'], source: `echo '["p-one", 2, "three(3)"]'` } },
          { name: 'echo', inputs: { parameters: [{ name: 'm' }] }, container: { image: 'alpine:3.20', command: ['echo', '{{inputs.parameters.m}}'] } },
        ],
      },
    }
    const done = await (await argo({ kubeconfig }).submit(wf as any)).wait()
    assert.is(done.status, 'Succeeded')
    const name = done.name
    const nodes = Object.values((done.workflow['status'] as { nodes: Record<string, { name: string; type: string; displayName: string }> }).nodes)
    const pods = nodes.filter((n) => n.type === 'Pod').map((n) => n.name).sort()
    assert.equal(pods, [
      `${name}[0].gen`,
      `${name}[1].maps(0:os:debian,tag:9.1)`,
      `${name}[1].maps(1:os:alpine edge,tag:x)`,
      `${name}[1].param(0:p-one)`,
      `${name}[1].param(1:2)`,
      `${name}[1].param(2:three3)`,
      `${name}[1].seq(0:3)`,
      `${name}[1].seq(1:4)`,
    ])
    assert.ok(nodes.some((n) => n.displayName === 'param(2:three3)'))
  } finally {
    await server.close()
  }
})

test.run()
