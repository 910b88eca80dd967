/**
 * An imported step keeps its stdout as `outputs.result` where Argo's controller would (lib/argo/result-capture.ts):
 * where the template calling it mentions it; a template also called in a way Argo keeps it for some calls and
 * not others keeps it for all (a result more than Argo shows, never one less).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow, compile } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'
import fanIn from '../../examples/artifacts/fan-in.ts'
import { RESULTS_KEPT } from '../../lib/argo/result-capture.ts'

const tmp = tempDir('dflow-import-results-kept-')
test.after(tmp.cleanup)

const echo = (name: string, text: string) => ({ name, container: { image: 'busybox', command: ['echo', text] } })
const USE = { name: 'use', inputs: { parameters: [{ name: 'm' }] }, container: { image: 'busybox', command: ['echo', '{{inputs.parameters.m}}'] } }
/** The imported templates that have the output `result`, by name. */
const keeping = (doc: unknown, templates: readonly unknown[] = []) => {
  const out = new Set<string>()
  const walk = (x: any, seen = new Set<unknown>()) => {
    if (!x || typeof x !== 'object' || seen.has(x)) return
    seen.add(x)
    if (x._tag === 'ScriptTemplate' && 'result' in x.outputs) out.add(x.name)
    for (const v of Object.values(x)) walk(v, seen)
  }
  walk(importWorkflow(doc, { templates }).workflow)
  return [...out].sort()
}

test("a step's result is kept where its caller mentions it ({{…}} or an expression's ['name']), not elsewhere", async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        steps: [
          [{ name: 'gen', template: 'gen' }, { name: 'quiet', template: 'quiet' }, { name: 'picked', template: 'picked' }],
          [{ name: 'use', template: 'use', arguments: { parameters: [{ name: 'm', value: '{{steps.gen.outputs.result}}' }] } }],
          [{ name: 'when', template: 'use', when: "{{= steps['picked'].outputs.result == 'p' }}", arguments: { parameters: [{ name: 'm', value: 'yes' }] } }],
        ],
      },
      echo('gen', 'g'),
      echo('quiet', 'q'),
      echo('picked', 'p'),
      USE,
    ],
  })
  assert.equal(keeping(doc), ['gen', 'picked'])
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc, {}).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('gen').outputs.result, 'g')
  assert.not.ok('result' in r.step('quiet').outputs, 'no result where Argo keeps none')
  assert.is(printed(r.step('quiet')), 'q', 'what it printed is in its log')
  assert.is(printed(r.step('use')), 'g')
  assert.is(r.step('when').phase, 'Succeeded')
})

test('a dag, a templateRef and a hook: each call as Argo sees it; the entrypoint alone keeps it (one template, one set of outputs)', () => {
  const library = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'lib' }, spec: { templates: [echo('shared', 's'), echo('silent', 'x')] } }
  const tasks = [
    { name: 'a', templateRef: { name: 'lib', template: 'shared' } },
    { name: 'b', templateRef: { name: 'lib', template: 'silent' }, hooks: { exit: { template: 'bye' } } },
    { name: 'c', template: 'use', depends: 'a', arguments: { parameters: [{ name: 'm', value: '{{tasks.a.outputs.result}}' }] } },
  ]
  const doc = wf({ entrypoint: 'main', templates: [{ name: 'main', dag: { tasks } }, echo('bye', 'bye'), USE] })
  // the WorkflowTemplate's names are prefixed by the importer; match the ends
  const kept = keeping(doc, [library])
  assert.ok(kept.some((n) => n.endsWith('shared')), kept.join(' '))
  assert.not.ok(kept.some((n) => n.endsWith('silent')), kept.join(' '))
  assert.ok(kept.includes('bye'), 'a hook keeps it: Argo keeps it for some such calls')
  assert.not.ok(kept.includes('use'))
  assert.equal(keeping(wf({ entrypoint: 'solo', templates: [echo('solo', 'hi')] })), ['solo'])
})

test("the compiler's results-kept annotation is a mention: a DSL stdout() output read only after the run survives the round trip", () => {
  const manifest = compile(fanIn)
  const caller = manifest.spec.templates.find((x) => x.metadata?.annotations?.[RESULTS_KEPT] === 'steps.total.outputs.result')!
  const callee = caller.steps!.flat().find((c) => c.name === 'total')!.template!
  // the call passes a key-only artifact: the importer runs a variant of the template, named after it
  const calls = (names: readonly string[]) => names.filter((n) => n === callee || n.startsWith(`${callee}-`))
  assert.equal(calls(keeping(manifest)).length, 1, `${callee} keeps its result`)
  const bare = { ...manifest, spec: { ...manifest.spec, templates: manifest.spec.templates.map(({ metadata: _m, ...x }) => x) } }
  assert.equal(calls(keeping(bare)), [], 'without the annotation Argo would not keep it')
})

test.run()
