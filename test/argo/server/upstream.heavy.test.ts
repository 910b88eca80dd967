import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, parseYaml, schemaProblems } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { byChance, CONFIGMAP_FILES, EXPECTED, RULE, TEMPLATE_FILES } from '../../conformance/argo-examples.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'
import { repoRoot, sharedDir } from '../support/shared.ts'

/**
 * Argo's own examples that the importer runs locally (test/conformance/argo-examples.ts: EXPECTED), submitted
 * to `dflow server` (its real runner) through dflow's `argo()` client: each plain Workflow ends in the phase
 * its local run ends in, with a status that validates against Argo's schema. The ConfigMaps they read are
 * the server's, and so are the WorkflowTemplates their `workflowTemplateRef` and `templateRef` name (created
 * first), and so are the ClusterWorkflowTemplates of a `clusterScope: true` reference; the libraries,
 * CronWorkflows and event templates are left to the conformance run. Durations are scaled as there.
 */
const TIME_SCALE = 0.05
/** The fields of a status node the chance check reads. */
interface Node { readonly id: string; readonly type: string; readonly phase: string; readonly children?: readonly string[]; readonly outputs?: { readonly exitCode?: string } }
const shared = sharedDir("the run of Argo's examples through dflow server")

if (shared) {
  const ex = join(shared, 'argo', 'examples')
  const read = (f: string) => readFileSync(join(ex, f), 'utf8')
  const catalogue = JSON.parse(readFileSync(join(shared, 'argo', 'examples-catalogue.json'), 'utf8')) as { file: string; kinds: string }[]
  const tmp = tempDir('server-upstream')
  test.after(tmp.cleanup)
  const env = { ...process.env, PATH: `${join(repoRoot, 'test', 'fixtures', 'argo-bin')}:${process.env.PATH}` }
  const plain = catalogue.filter((c) => c.kinds === 'Workflow' && EXPECTED[c.file]?.rule === RULE.ci || (c.kinds === 'Workflow' && EXPECTED[c.file]?.rule !== undefined && [RULE.failure, RULE.continued].includes(EXPECTED[c.file]!.rule as never)))
  const runs = plain
  const documents = (f: string) => (parseYaml(read(f)) as unknown as { documents: Record<string, any>[] }).documents
  const workflowTemplates = TEMPLATE_FILES.flatMap(documents).filter((d) => d['kind'] === 'WorkflowTemplate')
  const clusterWorkflowTemplates = TEMPLATE_FILES.flatMap(documents).filter((d) => d['kind'] === 'ClusterWorkflowTemplate')

  test('the WorkflowTemplates are read, and the examples that reference them are in the sample', () => {
    assert.ok(workflowTemplates.length >= 5, `${workflowTemplates.length} WorkflowTemplates`)
    assert.ok(runs.filter((c) => /templateRef/i.test(read(c.file))).length >= 4, runs.filter((c) => /templateRef/i.test(read(c.file))).map((c) => c.file).join(' '))
    assert.ok(clusterWorkflowTemplates.length >= 3, `${clusterWorkflowTemplates.length} ClusterWorkflowTemplates`)
    assert.ok(runs.filter((c) => /clusterScope:\s*true/.test(read(c.file))).length >= 4, runs.filter((c) => /clusterScope:\s*true/.test(read(c.file))).map((c) => c.file).join(' '))
  })

  test('the sample is most of the plain workflows the importer runs', () => {
    assert.ok(runs.length >= 60, `${runs.length} examples`)
  })

  for (const c of runs) {
    const e = EXPECTED[c.file]!
    test(`${c.file} through dflow server ends ${e.phase}, as locally`, async () => {
      const { server, kubeconfig } = await standIn(tmp.path, {
        runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state'), artifactRepository: join(tmp.path, 'repository'), timeScale: e.timeScale ?? TIME_SCALE, env }),
        tickMs: 50,
      })
      try {
        for (const d of CONFIGMAP_FILES.flatMap(documents)) server.store.create('configmaps', { ...d, metadata: { ...d.metadata, namespace: 'argo' } })
        for (const d of workflowTemplates) server.store.create('workflowtemplates', { ...d, metadata: { ...d.metadata, namespace: 'argo' } })
        for (const d of clusterWorkflowTemplates) server.store.create('clusterworkflowtemplates', d as never)
        const doc = documents(c.file)[0]!
        const done = await (await argo({ kubeconfig }).submit(doc as any)).wait()
        const status = done.workflow['status'] as { message?: string }
        assert.equal(schemaProblems(done.workflow), [], c.file)
        // a Failed Retry node's attempts are its children, each with its exit code
        const nodes = Object.values((status as { nodes?: Record<string, Node> }).nodes ?? {})
        const byId = new Map(nodes.map((n) => [n.id, n]))
        const failed = nodes.filter((n) => n.type === 'Retry' && n.phase === 'Failed').map((n) => (n.children ?? []).map((id) => Number(byId.get(id)?.outputs?.exitCode)))
        if (done.status === 'Failed' && byChance(e, failed)) return console.log(`${c.file}: every one of ${e.chance!.attempts} attempts failed, as Argo's own CI sees about once in a hundred runs`)
        assert.is(done.status, e.phase, `${c.file}: ${e.rule}; ${status.message ?? ''}`)
      } finally {
        await server.close()
      }
    })
  }
}

test.run()
