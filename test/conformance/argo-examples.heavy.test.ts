import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'
import { holdLocks, importWorkflow, parseYaml } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { repoRoot, sharedDir } from '../argo/support/shared.ts'
import { tempDir } from '../helpers/tmp.ts'
import { byChance, CONFIGMAP_FILES, EXPECTED, NOT_RUN, TEMPLATE_FILES, type Expect } from './argo-examples.ts'
import { printed } from '../argo/support/printed.ts'

/**
 * Argo's own examples, imported and run on the local interpreter: each labelled one (catalogue `no-test`
 * empty or `expected-failure`) ends in the phase EXPECTED gives, with the rule it follows; the others are
 * refused with an error naming the field (NOT_RUN gives why; README.md lists them). Sleeps, timeouts and
 * deadlines are scaled by TIME_SCALE (the importer's `timeScale`, `dflow run --time-scale`).
 */
const TIME_SCALE = 0.05
const shared = sharedDir("the conformance run of Argo's examples")
const LABELLED = 129

if (shared) {
  const ex = join(shared, 'argo', 'examples')
  const read = (f: string) => readFileSync(join(ex, f), 'utf8')
  const catalogue = JSON.parse(readFileSync(join(shared, 'argo', 'examples-catalogue.json'), 'utf8')) as { file: string; no_test: string; kinds: string }[]
  const labelled = catalogue.filter((c) => c.no_test === '' || c.no_test === 'expected-failure')
  const tmp = tempDir('argo-examples')
  const env = { ...process.env, PATH: `${join(repoRoot, 'test', 'fixtures', 'argo-bin')}:${process.env.PATH}` }
  // memoize caches (ConfigMap files), locks and the artifact repository of this run's own, as on a fresh cluster
  const options = { templates: TEMPLATE_FILES.map(read), configmaps: CONFIGMAP_FILES.map(read), timeScale: TIME_SCALE, memoizeDir: join(tmp.path, 'memoize'), syncDir: join(tmp.path, 'locks'), artifactRepository: join(tmp.path, 'repository') }
  const passed: string[] = []

  const runOne = async (doc: unknown, e: Expect, label: string, more: readonly unknown[] = []) => {
    const imp = importWorkflow(doc, { ...options, templates: [...options.templates, ...more], ...(e.timeScale ? { timeScale: e.timeScale } : {}) })
    const signal = imp.deadlineSeconds !== undefined ? AbortSignal.timeout(imp.deadlineSeconds * 1000) : undefined
    const release = await holdLocks(imp.synchronization ?? [])
    const run = await local({ runsDir: tmp.path, env })
      .run(imp.workflow, signal ? { signal } : {})
      .finally(release)
    const failed = run.steps({ phase: 'Failed' })
    if (run.status === 'Failed' && byChance(e, failed.map((s) => s.attempts.map((a) => a.exitCode)))) return console.log(`${label}: every one of ${e.chance!.attempts} attempts failed, as Argo's own CI sees about once in a hundred runs`)
    assert.is(run.status, e.phase, `${label}: ${e.rule}; ${failed.map((s) => `${s.id}: ${s.message}`).join('; ')}`)
    for (const [name, want] of Object.entries(e.steps ?? {})) {
      const s = run.steps({ name })
      assert.ok(s.length, `${label}: no step ${name}`)
      if (want.phase) assert.is(s[0]!.phase, want.phase, `${label}: step ${name}`)
      // what the step printed: its result where Argo keeps one (its caller mentions it), its log where not
      const kept = (s[0]!.outputs as Record<string, unknown>).result
      const result = kept !== undefined ? String(kept) : printed(s[0]!)
      if (typeof want.result === 'string') assert.is(result, want.result, `${label}: result of ${name}`)
      else if (want.result) assert.match(result, want.result, `${label}: result of ${name}`)
      for (const [k, v] of Object.entries(want.outputs ?? {})) assert.is((s[0]!.outputs as Record<string, unknown>)[k], v, `${label}: output ${k} of ${name}`)
    }
    for (const name of e.absent ?? []) assert.is(run.steps({ name }).length, 0, `${label}: step ${name} must not run`)
    for (const [k, v] of Object.entries(e.workflowOutputs ?? {})) assert.is(run.record.outputs?.parameters[k], v, `${label}: workflow output ${k}`)
  }

  test('every labelled example is either run or refused with a reason', () => {
    assert.is(labelled.length, LABELLED)
    const unclassified = labelled.filter((c) => !(c.file in EXPECTED) && !(c.file in NOT_RUN)).map((c) => c.file)
    assert.equal(unclassified, [])
    const both = Object.keys(EXPECTED).filter((f) => f in NOT_RUN)
    assert.equal(both, [])
  })

  for (const c of labelled) {
    const e = EXPECTED[c.file]
    if (e) {
      test(`${c.file} ends ${e.phase} (${e.rule})`, async () => {
        const parsed = parseYaml(read(c.file))
        assert.ok(parsed.ok)
        const docs = (parsed as { documents: readonly Record<string, any>[] }).documents
        if (c.kinds === 'ConfigMap') {
          assert.is(docs[0]!.kind, 'ConfigMap')
          assert.ok(Object.keys(docs[0]!.data ?? {}).length)
        } else if (e.event) {
          // as a WorkflowEventBinding's submit does: a workflow from the template, with the event's parameters
          const d = docs[0]!
          const submitted = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${d.metadata.name}-` }, spec: { workflowTemplateRef: { name: d.metadata.name }, arguments: { parameters: Object.entries(e.event).map(([name, value]) => ({ name, value })) } } }
          await runOne(submitted, e, c.file, [d])
        } else if (c.kinds === 'WorkflowTemplate' || c.kinds === 'ClusterWorkflowTemplate') {
          // runnable: an entrypoint whose inputs all have values (else only the workflows that reference it can run it)
          const given = (d: Record<string, any>) => new Set(((d.spec.arguments?.parameters ?? []) as { name: string }[]).map((p) => p.name))
          const entry = (d: Record<string, any>) => ((d.spec.templates ?? []) as Record<string, any>[]).find((t) => t.name === d.spec.entrypoint)
          const runnable = docs.filter((d) => d.spec?.entrypoint && ((entry(d)?.inputs?.parameters ?? []) as Record<string, unknown>[]).every((p) => p.value !== undefined || p.default !== undefined || given(d).has(String(p.name))))
          for (const d of runnable) await runOne(d, e, `${c.file} ${d.metadata?.name}`)
        } else await runOne(read(c.file), e, c.file)
        passed.push(c.file)
      })
    } else {
      test(`${c.file} is not run: ${NOT_RUN[c.file]}`, () => {
        if (!/^(Workflow|CronWorkflow|WorkflowTemplate|ClusterWorkflowTemplate)$/.test(c.kinds)) return
        // one that needs what this host cannot give either imports and is not run ("it imports"), or is not tried
        if (NOT_RUN[c.file]!.startsWith('needs ')) return void (/\bit imports\b/.test(NOT_RUN[c.file]!) && importWorkflow(read(c.file), options))
        let err: unknown
        try {
          importWorkflow(read(c.file), options)
        } catch (x) {
          err = x
        }
        assert.instance(err, DflowError, `${c.file} imports: move it to EXPECTED`)
      })
    }
  }

  test.after(() => {
    tmp.cleanup()
    const line = `${passed.length} of ${LABELLED} labelled upstream examples end as Argo's CI expects`
    console.log(line)
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    if (passed.length === Object.keys(EXPECTED).length) {
      assert.ok(readme.includes(line), `README.md must say: ${line}`)
      for (const f of Object.keys(NOT_RUN)) assert.ok(readme.includes(`| ${f} |`), `README.md's table must list ${f}`)
    }
  })
}

test.run()
