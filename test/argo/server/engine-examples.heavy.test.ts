import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, step, t, workflow, type Workflow } from 'dflow-ts'
import type { Run } from '../../../lib/run/index.ts'
import { counterScript } from '../../../examples/argo/retry-script.ts'
import { local } from 'dflow-ts/local'
import { argo, schemaProblems } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { repoRoot } from '../support/shared.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * `dflow server` with its REAL runner (each Workflow imported and run on the local interpreter), through the
 * real `@kubernetes/client-node` (dflow's `argo()` client) on loopback: a project example submitted there
 * ends with the decoded outputs of its local run, its pods hold its steps' real output, and suspend,
 * terminate, delete, retry and memoization act on the run itself.
 */
const test = suite('dflow server with the engine runner, through the argo client')
const tmp = tempDir('server-engine')
test.after(tmp.cleanup)

const example = async (path: string): Promise<Workflow> => ((await import(pathToFileURL(join(repoRoot, 'examples', path)).href)) as { default: Workflow }).default

/**
 * The Pod steps of a run as the comparison reads them: id → phase, attempts and declared outputs (decoded;
 * an artifact as its content). A local run's ids start with its root step when the workflow's body is a
 * call of a steps or dag template (`root.hello`); Argo's node names start with the workflow's name, which
 * the client drops (`hello`): the root's part is dropped here too. A workflow that is one leaf step is
 * its root (named as the workflow, or as its step: `flaky` here, `retry-fail-x7k2p` there).
 */
const podsOf = (run: Pick<Run, 'steps' | 'name'>) => {
  const all = run.steps()
  const root = all.filter((s) => s.record.parent === null && s.type !== 'Pod')
  const cut = (id: string) => (root.length === 1 && id.startsWith(`${root[0]!.id}.`) ? id.slice(root[0]!.id.length + 1) : id)
  return Object.fromEntries(
    all
      .filter((s) => s.type === 'Pod')
      .map((s) => [s.id === run.name || all.length === 1 ? '(the root)' : cut(s.id), { phase: s.phase, attempts: s.attempts.length, outputs: Object.fromEntries(Object.entries(s.outputs as Record<string, unknown>).filter(([k]) => k !== 'result').map(([k, v]) => [k, content(v)])) }]),
  )
}
const content = (v: unknown) => {
  const at = v as { path?: string; key?: string } | undefined
  if (!at || typeof at !== 'object' || !('key' in at)) return v
  const file = at.path ?? `/${at.key}`
  return existsSync(file) ? readFileSync(file, 'utf8') : `missing ${file}`
}

/** A step that fails until it has run three times, retried once: the workflow fails after two attempts. */
const failing = workflow('retry-fail', ({ counter }) => step('flaky', counterScript('flaky', { limit: 1 }), { counter }), { parameters: { counter: param(t.string) } })

/** The counter of the retried steps is a file both runs' steps see: no private root (/tmp is a pod's own otherwise, as on Argo). */
const shared = { ...process.env, DFLOW_ARGO_ISOLATION: 'none' }

const CASES: readonly (readonly [string, () => Promise<Workflow>, boolean])[] = [
  ['examples/steps.ts', () => example('steps.ts'), false],
  ['examples/dag.ts', () => example('dag.ts'), false],
  ['examples/argo/loops-param-result.ts (a fan-out)', () => example('argo/loops-param-result.ts'), false],
  ['examples/argo/artifact-passing.ts (artifacts)', () => example('argo/artifact-passing.ts'), false],
  ['examples/argo/retry-script.ts (retried, then Succeeded)', () => example('argo/retry-script.ts'), true],
  ['a step retried that still fails', async () => failing, true],
]

for (const [label, load, counted] of CASES) {
  test(`${label} submitted to dflow server ends as its local run, with the same decoded outputs`, async () => {
    const wf = await load()
    const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'server-runs'), stateDir: join(tmp.path, 'state'), ...(counted ? { env: shared } : {}) }), tickMs: 20 })
    const counter = (side: string) => (counted ? { parameters: { counter: join(tmp.path, `${wf.name}-${side}-counter`) } } : {})
    try {
      const here = await local({ runsDir: join(tmp.path, 'local-runs') }).run(wf, counter('local'))
      const done = await (await argo({ kubeconfig }).submit(wf, counter('server'))).wait()
      assert.equal(schemaProblems(done.workflow), [])
      assert.is(done.status, here.status, JSON.stringify((done.workflow['status'] as { message?: string }).message))
      assert.equal(podsOf(done), podsOf(here))
    } finally {
      await server.close()
    }
  })
}

test.run()
