import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argoRunView, argoViewCache, compileWithTemplates, type NodeStatus } from '../../../lib/argo/index.ts'
import type { KubeObject } from '../../../lib/argo/kube-object.ts'
import steps from '../../../examples/steps.ts'

// The client's view of a Workflow object, built again for each watch event: with a cache shared by the views
// of one workflow, a node that did not change keeps its record and decoded view, and a view built that way
// reads exactly as one built from nothing.
const test = suite('argo client: run views of successive reads share what did not change')
const { templates } = compileWithTemplates(steps)

const node = (name: string, o: Partial<NodeStatus> & { type: string }): NodeStatus => ({ id: name, name, displayName: name.split('.').at(-1)!, ...o })
const out = (value: string) => ({ parameters: [{ name: 'msg', value }], exitCode: '0' })
const workflowOf = (phase: string, nodes: readonly NodeStatus[], rv: number): KubeObject => ({
  metadata: { name: 'steps', namespace: 'argo', resourceVersion: String(rv) },
  status: { phase, startedAt: '2026-12-02T05:00:00Z', nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
})

/** Four reads of one run: hello0 finishes, hello1 runs and gets its outputs before its phase changes, a retried step's attempts come and go, the next group is chained. */
const reads = (): KubeObject[] => {
  const root = node('steps', { type: 'Steps', phase: 'Running', templateName: 'steps', children: ['steps[0]'] })
  const g0 = node('steps[0]', { type: 'StepGroup', phase: 'Running', boundaryID: 'steps', children: ['steps[0].hello0'] })
  const h0 = node('steps[0].hello0', { type: 'Pod', templateName: 'hello', boundaryID: 'steps', phase: 'Running', startedAt: '2026-12-02T05:00:01Z' })
  const h0done = { ...h0, phase: 'Succeeded' as const, finishedAt: '2026-12-02T05:00:02Z', outputs: out('1\n') }
  const g1 = node('steps[1]', { type: 'StepGroup', phase: 'Running', boundaryID: 'steps', children: ['steps[1].hello1'] })
  const h1 = node('steps[1].hello1', { type: 'Pod', templateName: 'duplicate', boundaryID: 'steps', phase: 'Running', startedAt: '2026-12-02T05:00:03Z' })
  const retry = node('steps[1].hello2', { type: 'Retry', templateName: 'duplicate', boundaryID: 'steps', phase: 'Running', startedAt: '2026-12-02T05:00:03Z', children: ['steps[1].hello2(0)'] })
  const try0 = node('steps[1].hello2(0)', { type: 'Pod', templateName: 'duplicate', boundaryID: 'steps', phase: 'Running', startedAt: '2026-12-02T05:00:03Z' })
  const try0failed = { ...try0, phase: 'Failed' as const, finishedAt: '2026-12-02T05:00:04Z', message: 'exit code 1' }
  const try1 = node('steps[1].hello2(1)', { type: 'Pod', templateName: 'duplicate', boundaryID: 'steps', phase: 'Running', startedAt: '2026-12-02T05:00:05Z' })
  return [
    workflowOf('Running', [root, g0, h0], 1),
    workflowOf('Running', [root, { ...g0, phase: 'Succeeded' }, { ...h0done, children: ['steps[1]'] }, g1, h1, retry, try0], 2),
    // hello1's outputs arrive while it is still Running; hello2's first attempt failed and a second one runs
    workflowOf('Running', [root, { ...g0, phase: 'Succeeded' }, { ...h0done, children: ['steps[1]'] }, g1, { ...h1, outputs: out('2') }, { ...retry, children: ['steps[1].hello2(0)', 'steps[1].hello2(1)'] }, try0failed, try1], 3),
    workflowOf('Succeeded', [{ ...root, phase: 'Succeeded' }, { ...g0, phase: 'Succeeded' }, { ...h0done, children: ['steps[1]'] }, { ...g1, phase: 'Succeeded' }, { ...h1, phase: 'Succeeded', finishedAt: '2026-12-02T05:00:06Z', outputs: out('2') }, { ...retry, phase: 'Succeeded', children: ['steps[1].hello2(0)', 'steps[1].hello2(1)'], outputs: out('4') }, try0failed, { ...try1, phase: 'Succeeded', outputs: out('4') }], 4),
  ]
}

/** A view's steps as plain data (its functions left out), to compare views. */
const plain = (v: ReturnType<typeof argoRunView>) => v.steps().map(({ log: _l, readLog: _r, ...s }) => JSON.parse(JSON.stringify(s)) as unknown)

test('a view built with the cache reads exactly as one built from nothing, at every read', () => {
  const cache = argoViewCache()
  for (const wf of reads()) assert.equal(plain(argoRunView(wf, templates, undefined, undefined, cache)), plain(argoRunView(wf, templates)))
})

test('an unchanged node keeps its record and decoded view; a changed one is built again; the node shown is the current one', () => {
  const cache = argoViewCache()
  const [r1, r2, r3, r4] = reads().map((wf) => argoRunView(wf, templates, undefined, undefined, cache))
  assert.is(r2!.step('hello0').record, r3!.step('hello0').record)
  assert.is(r2!.step('hello0').outputs, r3!.step('hello0').outputs) // decoded once
  assert.is(r3!.step('hello0').outputs['msg'], 1)
  assert.is.not(r1!.step('hello0').record, r2!.step('hello0').record) // it finished between the reads
  // outputs that arrive while the phase stays Running are seen
  assert.equal(r2!.step('hello1').outputs, {})
  assert.is(r3!.step('hello1').outputs['msg'], 2)
  assert.is(r3!.step('hello1').phase, 'Running')
  // a Retry node's record follows its attempts, though the node's own fields stay the same
  assert.equal(r2!.step('hello2').attempts.map((a) => a.phase), ['Running'])
  assert.equal(r3!.step('hello2').attempts.map((a) => a.phase), ['Failed', 'Running'])
  assert.equal(r4!.step('hello2').attempts.map((a) => a.phase), ['Failed', 'Succeeded'])
  // the node a step view carries is the read's own (hello0's children grow with the next group, its record does not change)
  assert.equal(r1!.step('hello0').node.children, undefined)
  assert.equal(r2!.step('hello0').node.children, ['steps[1]'])
  assert.is(r4!.status, 'Succeeded')
  assert.equal(r4!.steps({ phase: 'Succeeded' }).map((s) => s.id), ['hello0', 'hello1', 'hello2'])
})

test('a cache read with another repository bucket starts afresh: artifact locations name the new bucket', () => {
  const cache = argoViewCache()
  const withArtifact = workflowOf('Succeeded', [node('steps', { type: 'Pod', templateName: 'hello', phase: 'Succeeded', outputs: { artifacts: [{ name: 'bar', s3: { key: 'steps/bar.tgz' } }] } })], 1)
  const first = argoRunView(withArtifact, undefined, undefined, { bucket: 'one', stores: [] }, cache).step('steps').outputs['bar'] as { store: string }
  const second = argoRunView(withArtifact, undefined, undefined, { bucket: 'two', stores: [] }, cache).step('steps').outputs['bar'] as { store: string }
  assert.is(first.store, 's3://one/')
  assert.is(second.store, 's3://two/')
})

test('the steps of a view are built when first asked for: a view whose steps are not read does not look at its nodes', () => {
  const broken = { metadata: { name: 'steps', namespace: 'argo' }, status: { phase: 'Running', nodes: { x: null } } } as unknown as KubeObject
  const v = argoRunView(broken, templates)
  assert.is(v.status, 'Running')
  assert.throws(() => v.steps())
})

test.run()
