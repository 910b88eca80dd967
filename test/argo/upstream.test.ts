import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { parseYaml } from 'dflow-ts/argo'
import { compileChecked } from './support/checked.ts'
import { normalise } from './support/normalise.ts'
import { repoRoot, sharedDir } from './support/shared.ts'

/** The ports in examples/argo/, each equal to Argo's example of the same name under the normalisation. */
const PORTS = ['hello-world', 'arguments-parameters', 'global-parameters', 'steps', 'dag-diamond', 'output-parameter', 'artifact-passing', 'nested-workflow', 'loops', 'loops-sequence', 'loops-param-result', 'loops-dag', 'parameter-aggregation', 'status-reference', 'exit-code-output-variable', 'recursive-for-loop', 'dag-enhanced-depends', 'exit-handlers', 'exit-handler-with-param', 'parallelism-nested']

const shared = sharedDir("the comparison with Argo's upstream examples")

if (shared) {
  for (const name of PORTS) {
    test(`examples/argo/${name}.ts equals upstream ${name}.yaml after normalisation`, async () => {
      const wf = ((await import(pathToFileURL(join(repoRoot, 'examples', 'argo', `${name}.ts`)).href)) as { default: Workflow }).default
      const parsed = parseYaml(readFileSync(join(shared, 'argo', 'examples', `${name}.yaml`), 'utf8'))
      assert.ok(parsed.ok)
      const upstream = (parsed as { documents: readonly object[] }).documents[0] as Record<string, unknown>
      assert.equal(normalise(compileChecked(wf)), normalise(upstream))
    })
  }
}

/** Ports made deterministic (a counter file instead of a random exit): their retry strategies equal upstream's (Argo's default policy, OnFailure, made explicit). */
if (shared)
  for (const name of ['retry-script', 'retry-backoff']) {
    test(`examples/argo/${name}.ts has upstream ${name}.yaml's retryStrategy`, async () => {
      const wf = ((await import(pathToFileURL(join(repoRoot, 'examples', 'argo', `${name}.ts`)).href)) as { default: Workflow }).default
      const parsed = parseYaml(readFileSync(join(shared, 'argo', 'examples', `${name}.yaml`), 'utf8')) as { documents: readonly { spec: { templates: Record<string, unknown>[] } }[] }
      const upstream = parsed.documents[0]!.spec.templates.find((t) => t['name'] === name)!['retryStrategy']
      const ours = compileChecked(wf).spec.templates.find((t) => t.name === name)!['retryStrategy'] as Record<string, unknown>
      assert.equal({ ...ours, retryPolicy: undefined }, { ...(upstream as object), retryPolicy: undefined })
      assert.is(ours['retryPolicy'], 'OnFailure')
    })
  }

test('the normalisation still sees a difference in structure', () => {
  const doc = (depends: string) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'x-' },
    spec: { entrypoint: 'd', templates: [{ name: 'd', dag: { tasks: [{ name: 'A', template: 'e' }, { name: 'B', template: 'e', depends }] } }, { name: 'e', container: { image: 'busybox' } }] },
  })
  assert.equal(normalise(doc('A && C')), normalise(doc('C && A')))
  assert.not.equal(normalise(doc('A')), normalise(doc('A && C')))
})

test.run()
