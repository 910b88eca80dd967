/**
 * Argo's globals the spec fixes (spec-globals.ts): `{{workflow.mainEntrypoint}}`, the workflow's entrypoint name,
 * wherever a simple tag may stand — a leaf's args, a call's argument, a `when` — and in a WorkflowTemplate's
 * template, where it names the entrypoint of the workflow that runs it; `{{workflow.serviceAccountName}}` and
 * `{{workflow.priority}}` (workflow/controller/operator.go's setGlobalParameters).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

const tmp = tempDir('argo-import-main-entrypoint')
test.after(tmp.cleanup)

const say = echo('say', 'echo {{inputs.parameters.m}}', { inputs: { parameters: [{ name: 'm' }] } })
const library = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'lib' },
  spec: { templates: [echo('whose', 'echo called from {{ workflow.mainEntrypoint }}')] },
}

test('{{workflow.mainEntrypoint}} is the entrypoint in a leaf, an argument, a when and a WorkflowTemplate', async () => {
  const doc = wf({
    entrypoint: 'start-here',
    templates: [
      {
        name: 'start-here',
        steps: [
          [
            { name: 'own', template: 'own' },
            { name: 'arg', template: 'say', arguments: { parameters: [{ name: 'm', value: 'entry={{workflow.mainEntrypoint}}' }] } },
            { name: 'yes', template: 'say', when: "'{{workflow.mainEntrypoint}}' == 'start-here'", arguments: { parameters: [{ name: 'm', value: '{{workflow.mainEntrypoint}}' }] } },
            { name: 'no', template: 'say', when: "'{{workflow.mainEntrypoint}}' == 'other'", arguments: { parameters: [{ name: 'm', value: 'never' }] } },
            { name: 'lib', templateRef: { name: 'lib', template: 'whose' } },
          ],
        ],
      },
      echo('own', 'echo "I am in {{workflow.mainEntrypoint}} of {{workflow.name}}"'),
      say,
    ],
  })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc, { templates: [library] }).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  const result = (name: string) => printed(r.steps({ name })[0]!)
  assert.match(String(result('own')), /^I am in start-here of imp-/)
  assert.is(result('arg'), 'entry=start-here')
  assert.is(result('yes'), 'start-here')
  assert.is(r.steps({ name: 'no' })[0]?.phase, 'Skipped')
  assert.is(result('lib'), 'called from start-here')
})

test('a workflow made from a WorkflowTemplate: the entrypoint is the merged spec\'s (execWf)', async () => {
  const tpl = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'from' }, spec: { entrypoint: 'whose', templates: [echo('whose', 'echo {{workflow.mainEntrypoint}}')] } }
  const doc = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'ref-' }, spec: { workflowTemplateRef: { name: 'from' } } }
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc, { templates: [tpl] }).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.steps()[0]?.outputs.result, 'whose')
})

test('{{workflow.priority}} and {{workflow.serviceAccountName}} are the spec\'s; a priority the spec does not set is an unknown tag', async () => {
  const doc = wf({ entrypoint: 'e', priority: 5, serviceAccountName: 'runner', templates: [echo('e', 'echo p={{workflow.priority}} sa={{ workflow.serviceAccountName }}')] })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.steps()[0]?.outputs.result, 'p=5 sa=runner')
  const none = wf({ entrypoint: 'e', templates: [echo('e', 'echo sa=[{{workflow.serviceAccountName}}]')] })
  const n = await local({ runsDir: tmp.path }).run(importWorkflow(none).workflow)
  assert.is(n.steps()[0]?.outputs.result, 'sa=[]', 'Argo sets it from the spec, empty when it names none')
  assert.match(problemsOf(wf({ entrypoint: 'e', templates: [echo('e', 'echo {{workflow.priority}}')] })).join('\n'), /unknown or unsupported tag \{\{workflow\.priority\}\}/)
})

test('{{workflow.creationTimestamp.RFC3339}} is the run\'s creation time, as {{workflow.creationTimestamp}} is (Argo formats both as RFC 3339)', async () => {
  const doc = wf({ entrypoint: 'e', templates: [echo('e', 'echo {{workflow.creationTimestamp.RFC3339}} {{workflow.creationTimestamp}}')] })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  const [a, b] = String(r.steps()[0]?.outputs.result).split(' ')
  assert.match(a!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  assert.is(a, b)
})

test('an expression reading workflow.mainEntrypoint is refused, naming the field', () => {
  const doc = wf({ entrypoint: 'e', templates: [echo('e', 'echo {{=workflow.mainEntrypoint}}')] })
  assert.match(problemsOf(doc).join('\n'), /spec\.templates\.0\.container: \{\{=workflow\.mainEntrypoint\}\} reads workflow\.mainEntrypoint/)
})

test.run()
