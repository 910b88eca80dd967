import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { nodeMapper } from '../../../lib/argo/server/node-map.ts'
import { EMPTY_IO, type StepRecord } from '../../../lib/run/records.ts'

/**
 * The engine's step records of an imported workflow turned into Argo's nodes: names, types, parents (group
 * chaining, dag dependencies), fan-out items, retry attempts, and the Argo source's template names.
 */
const test = suite('dflow server: engine records as Argo nodes')

const rec = (id: string, parent: string | null, type: StepRecord['type'], template: string, phase: StepRecord['phase'] = 'Running', more: Partial<StepRecord> = {}): StepRecord => ({
  id,
  name: id.split('.').at(-1)!,
  parent,
  type,
  template,
  phase,
  inputs: EMPTY_IO,
  outputs: EMPTY_IO,
  ...more,
})

const wf = (spec: Record<string, unknown>, name = 'wf-x') => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name, namespace: 'argo' }, spec }) as any

test('steps: groups chained through the previous group\'s steps; a fan-out\'s items in the group, named by their items', () => {
  const m = nodeMapper(wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'echo' }], [{ name: 'b', template: 'echo', withItems: ['x', 'y'] }]] }, { name: 'echo' }] }, 'wf'), 'wf')
  const all = [rec('wf', null, 'Steps', 'main'), rec('wf.a', 'wf', 'Pod', 'echo', 'Succeeded'), rec('wf.b', 'wf', 'StepGroup', 'echo'), rec('wf.b(1)', 'wf.b', 'Pod', 'echo')].flatMap(m.reports)
  const by = (n: string) => all.filter((r) => r.name === n)
  assert.equal(by('wf')[0], { name: 'wf', type: 'Steps', phase: 'Running', templateName: 'main' })
  assert.equal(by('wf[0]')[0]!.parent, ['wf'])
  assert.is(by('wf[0].a')[0]!.parent, 'wf[0]')
  assert.equal(by('wf[1]')[0]!.parent, ['wf[0].a'])
  assert.equal(by('wf[0]').at(-1), { name: 'wf[0]', phase: 'Succeeded' }, 'a group ends when the next starts')
  assert.equal(by('wf[1].b'), [], 'a steps fan-out has no node of its own')
  assert.is(by('wf[1].b(1:y)')[0]!.parent, 'wf[1]')
})

test('dag: a task hangs under the tasks it depends on, a fan-out under its TaskGroup; the template is the source\'s (not the importer\'s specialisation)', () => {
  const m = nodeMapper(wf({ entrypoint: 'd', templates: [{ name: 'd', dag: { tasks: [{ name: 'A', template: 'echo' }, { name: 'B', template: 'echo', depends: 'A.Succeeded', withItems: [{ k: 1 }] }] } }, { name: 'echo' }] }), 'wf')
  const all = [rec('wf', null, 'DAG', 'd'), rec('wf.A', 'wf', 'Pod', 'echo-A', 'Succeeded'), rec('wf.B', 'wf', 'StepGroup', 'echo-B'), rec('wf.B(0)', 'wf.B', 'Pod', 'echo-B')].flatMap(m.reports)
  const by = (n: string) => all.find((r) => r.name === n)!
  assert.is(by('wf-x.A').parent, 'wf-x')
  assert.is(by('wf-x.A').templateName, 'echo')
  assert.equal(by('wf-x.B').parent, ['wf-x.A'])
  assert.is(by('wf-x.B').type, 'TaskGroup')
  assert.is(by('wf-x.B(0:k:1)').parent, 'wf-x.B')
  assert.is(by('wf-x.B(0:k:1)').templateName, 'echo')
})

test('a retried leaf is a Retry node with a Pod per attempt; the exit handler is WF.onExit', () => {
  const m = nodeMapper(wf({ entrypoint: 'flaky', onExit: 'bye', templates: [{ name: 'flaky', retryStrategy: { limit: 2 } }, { name: 'bye' }] }), 'wf')
  const tries = [{ attempt: 0, phase: 'Failed' as const, exitCode: 1 }]
  const all = [rec('wf', null, 'Pod', 'flaky'), rec('wf', null, 'Pod', 'flaky', 'Running', { attempts: tries }), rec('onExit', null, 'Steps', 'onExit'), rec('onExit.onExit', 'onExit', 'Pod', 'bye')].flatMap(m.reports)
  assert.equal([...new Set(all.map((r) => r.name))], ['wf-x', 'wf-x(0)', 'wf-x(1)', 'wf-x.onExit'])
  assert.is(all.find((r) => r.name === 'wf-x')!.type, 'Retry')
  assert.equal(all.filter((r) => r.name === 'wf-x(0)').at(-1)!.phase, 'Failed')
  assert.equal(all.find((r) => r.name === 'wf-x(1)')!.parent, 'wf-x')
  assert.equal(m.pods(rec('wf', null, 'Pod', 'flaky', 'Running', { attempts: tries })), [{ node: 'wf-x(0)', attempt: 0, done: true }, { node: 'wf-x(1)', attempt: 1, done: false }])
  assert.is(all.find((r) => r.name === 'wf-x.onExit')!.templateName, 'bye')
})

test('a retried steps template is a Retry node whose attempts NAME(n) are Steps nodes holding the steps again', () => {
  const m = nodeMapper(wf({ entrypoint: 'main', templates: [{ name: 'main', retryStrategy: { limit: 1 }, steps: [[{ name: 'a', template: 'echo' }]] }, { name: 'echo' }] }), 'wf')
  const all = [
    rec('wf', null, 'Steps', 'main'),
    rec('wf(0)', 'wf', 'Steps', 'main'),
    rec('wf(0).a', 'wf(0)', 'Pod', 'echo', 'Failed'),
    rec('wf(0)', 'wf', 'Steps', 'main', 'Failed'),
    rec('wf(1)', 'wf', 'Steps', 'main'),
    rec('wf(1).a', 'wf(1)', 'Pod', 'echo', 'Succeeded'),
    rec('wf(1)', 'wf', 'Steps', 'main', 'Succeeded'),
    rec('wf', null, 'Steps', 'main', 'Succeeded'),
  ].flatMap(m.reports)
  const by = (n: string) => all.filter((r) => r.name === n)
  assert.equal([...new Set(all.map((r) => r.name))], ['wf-x', 'wf-x(0)', 'wf-x(0)[0]', 'wf-x(0)[0].a', 'wf-x(1)', 'wf-x(1)[0]', 'wf-x(1)[0].a'])
  assert.is(by('wf-x')[0]!.type, 'Retry')
  assert.equal([by('wf-x(0)')[0]!.type, by('wf-x(0)')[0]!.parent], ['Steps', 'wf-x'])
  assert.equal(by('wf-x(0)').at(-1)!.phase, 'Failed')
  assert.is(by('wf-x(1)[0].a')[0]!.parent, 'wf-x(1)[0]')
  assert.is(by('wf-x(1)[0].a')[0]!.boundary, 'wf-x(1)')
})

test.run()
