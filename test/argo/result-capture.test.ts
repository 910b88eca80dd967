/**
 * On Argo a step's stdout is kept as its `outputs.result` only where the template that calls it mentions it
 * (workflow/controller/operator.go, includeScriptOutput): every call of a template with a `stdout()` output must
 * then be mentioned, or the output is lost on a real cluster while it is there locally.
 */
import { relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { keepsStdout, sh, shell, step, stdout, seq, t, workflow, type Template } from 'dflow-ts'
import { compileWithTemplates, type ArgoTemplate, type CompileOptions } from 'dflow-ts/argo'
import { mentionsResult, RESULTS_KEPT } from '../../lib/argo/result-capture.ts'
import { exampleFiles, loadExample } from '../helpers/examples.ts'
import { repoRoot } from './support/shared.ts'

/** The calls (kind, caller, step name, callee) of a manifest's steps and dag templates. */
const callsIn = (templates: readonly ArgoTemplate[]) =>
  templates.flatMap((caller) => [
    ...(caller.steps ?? []).flat().map((c) => ({ kind: 'steps' as const, caller, name: c.name, callee: c.template })),
    ...(caller.dag?.tasks ?? []).map((c) => ({ kind: 'tasks' as const, caller, name: c.name, callee: c.template })),
  ])

/** The calls Argo would run without keeping the `stdout()` output their template declares. */
const lostResults = (wf: Parameters<typeof compileWithTemplates>[0], options: CompileOptions = {}): string[] => {
  const { manifest, templates } = compileWithTemplates(wf, options)
  const keeps = (name: string | undefined) => {
    const tpl: Template | undefined = name === undefined ? undefined : templates.get(name)
    return tpl !== undefined && tpl._tag !== 'Subflow' && keepsStdout(tpl)
  }
  const lost = callsIn(manifest.spec.templates)
    .filter((c) => keeps(c.callee) && !mentionsResult(c.caller, c.kind, c.name))
    .map((c) => `${c.caller.name}: ${c.kind}.${c.name}`)
  return keeps(manifest.spec.entrypoint) ? [...lost, `the entrypoint ${manifest.spec.entrypoint}`] : lost
}

test("Argo's test, read from its controller: a mention in the calling template, with a dot or single-quoted brackets", () => {
  const caller = (value: string) => ({ name: 'main', steps: [[{ name: 'gen', template: 'g' }], [{ name: 'use', template: 'u', arguments: { parameters: [{ name: 'x', value }] } }]] })
  assert.ok(mentionsResult(caller('{{steps.gen.outputs.result}}'), 'steps', 'gen'))
  assert.ok(mentionsResult(caller("{{= steps['gen'].outputs.result }}"), 'steps', 'gen'))
  assert.not.ok(mentionsResult(caller('{{= steps["gen"].outputs.result }}'), 'steps', 'gen'), 'escaped in JSON, as in Go')
  assert.not.ok(mentionsResult(caller("{{= steps?.['gen']?.outputs?.result }}"), 'steps', 'gen'), 'optional chaining is not seen')
  assert.not.ok(mentionsResult(caller('{{steps.gen2.outputs.result}}'), 'steps', 'gen'))
  assert.not.ok(mentionsResult(caller('{{tasks.gen.outputs.result}}'), 'steps', 'gen'))
})

test('a stdout() output read only after the run is named in the calling template, so that Argo keeps it', () => {
  const say = shell({ name: 'say', outputs: { out: stdout(t.string) }, script: () => sh`echo hi` })
  const other = shell({ name: 'other', script: () => sh`true` })
  const wf = workflow('keeps', seq(step('a', say), step('b', other)))
  const main = compileWithTemplates(wf).manifest.spec.templates.find((x) => x.name === 'keeps')!
  assert.equal(main.metadata?.annotations?.[RESULTS_KEPT], 'steps.a.outputs.result')
  assert.equal(lostResults(wf), [])
})

test('a workflow of one call of such a template runs it from a steps template, not as the entrypoint (Argo keeps no result there)', () => {
  const say = shell({ name: 'say', outputs: { out: stdout(t.string) }, script: () => sh`echo hi` })
  const solo = workflow('solo', step('a', say), { onExit: step('bye', say) })
  const { manifest } = compileWithTemplates(solo)
  assert.is.not(manifest.spec.entrypoint, 'say')
  assert.is.not(manifest.spec.onExit, 'say')
  assert.equal(lostResults(solo), [])
  const quiet = shell({ name: 'quiet', script: () => sh`true` })
  assert.is(compileWithTemplates(workflow('plain', step('a', quiet))).manifest.spec.entrypoint, 'quiet', 'without a stdout() output it stays the entrypoint')
})

for (const file of exampleFiles()) {
  const name = relative(repoRoot, file)
  test(`${name}: Argo keeps the result of every call whose template declares a stdout() output`, async () => {
    const wf = await loadExample(file)
    const { argoOptions } = (await import(pathToFileURL(file).href)) as { argoOptions?: CompileOptions }
    assert.equal(lostResults(wf, argoOptions ?? {}), [])
  })
}

test.run()
