import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Step, Subflow } from 'dflow-ts'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { withTemplateDefaults } from '../../lib/argo/import/template-defaults.ts'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { sharedDir } from './support/shared.ts'
import { printed } from './support/printed.ts'

/** spec.templateDefaults merged into every template as Argo merges them, and retryStrategy on steps and dag templates. */
const tmp = tempDir('argo-template-defaults')
test.after(tmp.cleanup)
const run = (doc: unknown) => local({ runsDir: tmp.path }).run(importWorkflow(doc, {}).workflow)

test('the merge: the template over the defaults, objects field by field, env by name; another kind’s defaults dropped', () => {
  const d = { retryStrategy: { limit: '2', retryPolicy: 'Always' }, timeout: '30s', container: { image: 'busybox', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['x'] } }
  const c = withTemplateDefaults(d, { name: 'c', retryStrategy: { limit: '5' }, container: { command: ['sh'], env: [{ name: 'B', value: 'own' }, { name: 'C', value: '3' }], args: ['y'] } })
  assert.equal(c, {
    retryStrategy: { limit: '5', retryPolicy: 'Always' },
    timeout: '30s',
    container: { image: 'busybox', env: [{ name: 'A', value: '1' }, { name: 'B', value: 'own' }, { name: 'C', value: '3' }], args: ['y'], command: ['sh'] },
    name: 'c',
  })
  // a container default does not make a script or steps template a container one
  assert.equal(withTemplateDefaults(d, { name: 's', steps: [] }), { retryStrategy: d.retryStrategy, timeout: '30s', name: 's', steps: [] })
  assert.equal(withTemplateDefaults(undefined, { name: 'x' }), { name: 'x' })
})

test('a steps template retried by templateDefaults: its children re-run from scratch, each leaf retried too, outputs of the final attempt', async () => {
  // the counter is in a volume the run's steps share, which the defaults mount in every container
  const c = '/shared/counter'
  const doc = wf({
    entrypoint: 'main',
    volumeClaimTemplates: [{ metadata: { name: 'work' }, spec: {} }],
    templateDefaults: {
      retryStrategy: { limit: '2' },
      timeout: '20s',
      container: { image: 'busybox', env: [{ name: 'GREETING', value: 'default' }, { name: 'WHO', value: 'world' }], volumeMounts: [{ name: 'work', mountPath: '/shared' }] },
    },
    templates: [
      {
        name: 'main',
        steps: [[{ name: 'count', template: 'count' }], [{ name: 'check', template: 'check', arguments: { parameters: [{ name: 'n', value: '{{steps.count.outputs.result}}' }] } }]],
        outputs: { parameters: [{ name: 'n', valueFrom: { parameter: '{{steps.count.outputs.result}}' } }] },
      },
      echo('count', `n=$(cat ${c} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${c}; echo $n`),
      { name: 'check', inputs: { parameters: [{ name: 'n' }] }, container: { image: 'busybox', command: ['sh', '-c'], args: ['echo "$GREETING $WHO"; [ {{inputs.parameters.n}} -ge 2 ]'], env: [{ name: 'GREETING', value: 'hello' }] } },
    ],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', r.message)
  const top = r.steps().find((s) => !s.id.includes('.') && !s.id.includes('('))!
  assert.equal(top.attempts.map((a) => a.phase), ['Failed', 'Succeeded'])
  assert.is(top.outputs.n, '2')
  // attempt 0: count once, check retried by its own default retryStrategy (limit 2: three attempts), all failing on n = 1
  assert.equal(r.step(`${top.id}(0).check`).attempts.map((a) => a.exitCode), [1, 1, 1])
  assert.is(printed(r.step(`${top.id}(0).count`)), '1')
  assert.is(printed(r.step(`${top.id}(1).count`)), '2')
  // the check's env: its own GREETING over the default one, WHO from the defaults
  assert.is(printed(r.step(`${top.id}(1).check`)), 'hello world')
  assert.is(readFileSync(join(r.dir, 'volumes', 'work', 'counter'), 'utf8').trim(), '2')
})

test('a default timeout applies to every leaf, unless the template gives its own', async () => {
  const doc = wf({
    entrypoint: 'main',
    templateDefaults: { timeout: '1s' },
    templates: [{ name: 'main', steps: [[{ name: 'slow', template: 'slow' }, { name: 'patient', template: 'patient' }]] }, echo('slow', 'sleep 5'), echo('patient', 'sleep 1.5', { timeout: '20s' })],
  })
  const r = await run(doc)
  assert.is(r.status, 'Failed')
  assert.is(r.step('slow').phase, 'Failed')
  assert.match(r.step('slow').message ?? '', 'timed out after 1s')
  assert.is(r.step('patient').phase, 'Succeeded')
})

test('a dag template’s retryStrategy retries its tasks from scratch', async () => {
  const c = '/shared/counter'
  const mounted = (name: string, text: string) => ({ name, container: { image: 'busybox', command: ['sh', '-c'], args: [text], volumeMounts: [{ name: 'work', mountPath: '/shared' }] } })
  const doc = wf({
    entrypoint: 'd',
    volumeClaimTemplates: [{ metadata: { name: 'work' }, spec: {} }],
    templates: [
      { name: 'd', retryStrategy: { limit: 1, retryPolicy: 'OnFailure' }, dag: { tasks: [{ name: 'A', template: 'bump' }, { name: 'B', template: 'gate', depends: 'A' }] } },
      mounted('bump', `n=$(cat ${c} 2>/dev/null || echo 0); echo $((n + 1)) > ${c}`),
      mounted('gate', `[ $(cat ${c}) -ge 2 ]`),
    ],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', r.message)
  const top = r.steps().find((s) => !s.id.includes('.') && !s.id.includes('('))!
  assert.is(top.type, 'DAG')
  assert.equal(top.attempts.map((a) => a.phase), ['Failed', 'Succeeded'])
  assert.equal([`${top.id}(0).B`, `${top.id}(1).A`, `${top.id}(1).B`].map((id) => r.step(id).phase), ['Failed', 'Succeeded', 'Succeeded'])
})

test('what templateDefaults cannot give is an error naming its path; OnTransientError on a steps template is refused', () => {
  const main = [{ name: 'main', steps: [[{ name: 'a', template: 'a' }]] }, echo('a', 'true')]
  assert.equal(problemsOf(wf({ entrypoint: 'main', templateDefaults: { daemon: true }, templates: main })), ['spec.templateDefaults.daemon: the field "daemon" is not supported by the local importer'])
  assert.equal(problemsOf(wf({ entrypoint: 'main', templateDefaults: { container: { lifecycle: {} } }, templates: main })), ['spec.templateDefaults.container.lifecycle: the field "lifecycle" is not supported by the local importer'])
  assert.equal(problemsOf(wf({ entrypoint: 'main', templateDefaults: { retryStrategy: { retryPolicy: 'Always' } }, templates: main })), [
    'spec.templateDefaults.retryStrategy.limit: a retryStrategy without a limit retries forever, which the local interpreter refuses',
  ])
  assert.equal(problemsOf(wf({ entrypoint: 'main', templateDefaults: { timeout: 'soon' }, templates: main })).length, 1)
  assert.match(problemsOf(wf({ entrypoint: 'main', templateDefaults: { timeout: 'soon' }, templates: main }))[0]!, /^spec\.templateDefaults\.timeout: /)
  const transient = wf({ entrypoint: 'main', templates: [{ ...main[0], retryStrategy: { limit: 1, retryPolicy: 'OnTransientError' } }, main[1]] })
  assert.equal(problemsOf(transient), ["spec.templates.0.retryStrategy.retryPolicy: OnTransientError on a steps template retries only Kubernetes' transient errors, which a local run never has"])
})

test("Argo's template-defaults.yaml imports: every template gets the retryStrategy, its leaves the timeout too", () => {
  const shared = sharedDir("Argo's template-defaults.yaml")
  if (!shared) return
  const { workflow, warnings } = importWorkflow(readFileSync(join(shared, 'argo', 'examples', 'template-defaults.yaml'), 'utf8'), {})
  const main = (workflow.body as Step).template as Subflow
  assert.equal(main.retry, { limit: 2, policy: 'OnFailure' })
  const leaves = (main.body as { children: readonly Step[] }).children.map((s) => (s as Step).template as unknown as { retry?: unknown; timeout?: unknown })
  for (const l of leaves) assert.equal([l.retry, l.timeout], [{ limit: 2, policy: 'OnFailure' }, 30])
  assert.ok(warnings.some((w) => w.startsWith('spec.templates.0.timeout: timeout has no effect on a steps template')))
})

test.run()
