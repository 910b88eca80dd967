import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, param, sh, shell, step, t, workflow, type Node, type Template } from 'dflow-ts'
import { compile, importWorkflow, toYaml } from 'dflow-ts/argo'
import { compileChecked, templateNamed } from '../argo/support/checked.ts'

// Divergences the parity suite (parity.heavy.test.ts) found between a workflow run locally and the same
// workflow compiled to Argo, each pinned here where it was fixed.
const test = suite('conformance: parity fixes')

const sleeper = shell({ name: 'sleeper', inputs: { s: param(t.number) }, script: ({ s }) => sh`sleep ${s}` })

/** The leaf templates of an imported workflow's body, by step name. */
const leaves = (n: Node, out = new Map<string, Template>()): Map<string, Template> => {
  const anyN = n as unknown as { _tag: string; children?: Node[]; body?: Node; template?: Template & { body?: Node }; name?: string }
  if (anyN._tag === 'Step') anyN.template!.body ? leaves(anyN.template!.body, out) : out.set(anyN.name!, anyN.template!)
  for (const c of anyN.children ?? []) leaves(c, out)
  if (anyN.body) leaves(anyN.body, out)
  return out
}

test('a timeout of part of a second compiles to Argo\'s `timeout` duration, not a rounded-up activeDeadlineSeconds', () => {
  // dag-task-level-timeout's B (timeout 0.5 s) ran with 1 s once compiled: activeDeadlineSeconds takes whole seconds
  const wf = workflow('fractional', dag(step('half', sleeper, { s: 2 }, { timeout: 0.5 }), step('whole', sleeper, { s: 0 }, { timeout: 2 })))
  const m = compileChecked(wf)
  const tasks = m.spec.templates.find((x) => x.dag)!.dag!.tasks
  const of = (name: string) => templateNamed(m, tasks.find((x) => x.name === name)!.template)
  assert.is(of('half')['timeout'], '500ms')
  assert.is(of('half')['activeDeadlineSeconds'], undefined)
  assert.is(of('whole')['activeDeadlineSeconds'], 2)
  assert.is(of('whole')['timeout'], undefined)
  const imported = leaves(importWorkflow(toYaml(compile(wf))).workflow.body)
  assert.is((imported.get('half') as { timeout?: number }).timeout, 0.5)
  assert.is((imported.get('whole') as { timeout?: number }).timeout, 2)
})

test.run()
