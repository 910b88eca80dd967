import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, KubeError, schemaProblems, type ArgoRun } from '../../../lib/argo/index.ts'
import steps from '../../../examples/steps.ts'
import { scriptedRunner, type ScriptedStep } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * The Argo client through the real `@kubernetes/client-node` against `dflow server` on loopback, the
 * STAND-IN for a Kubernetes API server with Argo. Its runner here is the test-only `scriptedRunner`, which
 * replays node transitions (what the steps "print" and output is the plan's, not a real run's).
 */
const test = suite('argo client against the local API server (stand-in; scripted runner)')
const tmp = tempDir('argo-client')
test.after(tmp.cleanup)

const out = (name: string, value: string) => ({ parameters: [{ name, value }] })
const stepsPlan: ScriptedStep[] = [
  { name: 'hello0', template: 'hello', log: 'hi from hello0\n', outputs: out('msg', '1\n') },
  { name: 'hello1', template: 'duplicate', log: 'hi from hello1\n', outputs: out('msg', '2') },
  { name: 'hello2', template: 'duplicate', outputs: out('msg', '4') },
]

const released = () => {
  let release!: () => void
  const until = new Promise<void>((r) => (release = r))
  return { until, release }
}

/** The error a call fails with (and a failure of the test if it succeeds). */
const failure = (p: Promise<unknown>): Promise<KubeError> =>
  p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as KubeError,
  )

const waitFor = async (run: ArgoRun, ok: (r: ArgoRun) => boolean): Promise<ArgoRun> => {
  for await (const r of run.watch()) if (ok(r)) return r
  throw new Error(`workflow ${run.name} ended before the condition held`)
}

test('submit compiles the workflow and creates it; wait follows it; steps decode outputs with the codecs; the status validates against Argo\'s schema', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner(stepsPlan) })
  try {
    const client = argo({ kubeconfig })
    const run = await client.submit(steps, { labels: { team: 'a' } })
    assert.is(run.namespace, 'argo')
    assert.ok(run.name.startsWith('steps') || run.name === 'steps')
    const done = await run.wait()
    assert.is(done.status, 'Succeeded')
    assert.is(done.step('hello0').outputs['msg'], 1) // '1\n' decoded by param(t.number)
    assert.is(done.step('hello1').outputs['msg'], 2)
    assert.is(done.step('hello1').exitCode, 0)
    assert.equal(done.steps({ type: 'Pod', phase: 'Succeeded' }).map((s) => s.id), ['hello0', 'hello1', 'hello2'])
    assert.equal(schemaProblems(done.workflow), [])
    assert.is(await done.logs('hello0'), 'hi from hello0\n')
    assert.is(await done.logs(), 'hello0: hi from hello0\nhello1: hi from hello1\n')
    assert.equal((await client.list({ labels: { team: 'a' } })).map((r) => r.name), [run.name])
    assert.equal(await client.list({ labels: 'team=b' }), [])
  } finally {
    await server.close()
  }
})

test('a watch dropped mid-stream resumes from the last resourceVersion: every change once, none missed', async () => {
  const gates = [released(), released(), released()]
  const plan = gates.map((g, i): ScriptedStep => ({ name: `s${i}`, template: 'hello', until: g.until }))
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner(plan), tickMs: 10 })
  try {
    const seen: string[] = []
    const written: string[] = []
    server.store.onChange((c) => c.resource === 'workflows' && written.push(c.object.metadata.resourceVersion!))
    const run = await argo({ kubeconfig }).submit(steps)
    let n = 0
    for await (const r of run.watch({ backoffMs: 10 })) {
      seen.push(r.workflow.metadata.resourceVersion!)
      const running = r.steps({ phase: 'Running' }).map((s) => s.id)
      // Each time a step is running, cut the connection, then let the step end.
      if (running.includes(`s${n}`)) (server.dropWatches(), gates[n++]!.release())
      if (r.status === 'Succeeded') break
    }
    assert.is(n, 3)
    assert.equal([...new Set(seen)], seen, 'no change twice')
    assert.equal(seen, written.filter((v) => Number(v) >= Number(seen[0])), 'every change from the first read on, in order')
  } finally {
    await server.close()
  }
})

test('a watch resuming from a version the server has forgotten (410 Gone) lists again and goes on', async () => {
  const gate = released()
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 's0', template: 'hello', until: gate.until }, { name: 's1', template: 'hello' }]), tickMs: 10 })
  try {
    const run = await argo({ kubeconfig }).submit(steps)
    const phases: string[] = []
    let cut = false
    for await (const r of run.watch({ backoffMs: 10 })) {
      phases.push(r.status)
      if (!cut && r.steps({ phase: 'Running' }).length) {
        cut = true
        gate.release()
        await new Promise((res) => setTimeout(res, 50)) // the run moves on while the watch is down…
        server.compact() // …and the server forgets that history
        server.dropWatches()
      }
      if (r.status === 'Succeeded') break
    }
    assert.ok(cut)
    assert.is(phases.at(-1), 'Succeeded')
  } finally {
    await server.close()
  }
})

test('suspend holds the next step back until resume; terminate stops a running step; retry reruns only what failed', async () => {
  const first = released()
  const stuck = released()
  let attempt = 0
  const plans: Record<string, ScriptedStep[]> = {
    suspend: [{ name: 'a', template: 'hello', until: first.until }, { name: 'b', template: 'hello' }],
    terminate: [{ name: 'a', template: 'hello', until: stuck.until }],
    retry: [{ name: 'a', template: 'hello', log: 'a\n' }, { name: 'b', template: 'hello', fail: () => ++attempt === 1 }],
  }
  const runs = { runs: 0 }
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner((wf) => plans[String(wf.metadata.name).split('-')[0]!]!, runs), tickMs: 10 })
  try {
    const client = argo({ kubeconfig })
    const manifest = (name: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: `${name}-` }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } }) as any

    const s = await client.submit(manifest('suspend'))
    await waitFor(s, (r) => r.steps({ phase: 'Running', id: 'a' }).length === 1)
    await s.suspend()
    first.release()
    const held = await waitFor(s, (r) => r.steps({ id: 'a', phase: 'Succeeded' }).length === 1)
    assert.is(held.status, 'Running')
    assert.equal(held.steps({ id: 'b' }), [], 'b waits while suspended')
    assert.is((await held.refresh()).steps({ id: 'b' }).length, 0)
    assert.is((await (await s.resume()).wait()).status, 'Succeeded')

    const t = await client.submit(manifest('terminate'))
    await waitFor(t, (r) => r.steps({ phase: 'Running' }).length === 1)
    const ended = await (await t.terminate()).wait()
    assert.is(ended.status, 'Failed')
    assert.is(ended.message, "Stopped with strategy 'Terminate'")
    assert.is(ended.step('a').phase, 'Failed')
    assert.match(ended.step('a').message ?? '', /shutdown with strategy:  Terminate/)

    const r = await client.submit(manifest('retry'))
    const failed = await r.wait()
    assert.is(failed.status, 'Failed')
    const aStarted = failed.step('a').record.startedAt
    const again = await (await failed.retry()).wait()
    assert.is(again.status, 'Succeeded')
    assert.is(again.step('a').record.startedAt, aStarted, 'a, which succeeded, was kept')
    assert.is(again.step('b').phase, 'Succeeded')
    assert.is(await again.logs('a'), 'a\n')
    assert.equal(schemaProblems(again.workflow), [])
    await assert.not.throws(() => again.step('b'))
    await again.delete()
    await client.get(again.name).then(
      () => assert.unreachable('deleted'),
      (e: KubeError) => assert.is(e.code, 404),
    )
  } finally {
    await server.close()
  }
})

test('faults: 409 on create, 401 without the token, 403 with a read-only one, an unreachable server, a workflow deleted while watched', async () => {
  const gate = released()
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([{ name: 'a', template: 'hello', until: gate.until }]), token: 'right', readOnlyToken: 'reader' })
  try {
    const client = argo({ kubeconfig })
    const named = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'fixed' }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } } as any
    const run = await client.submit(named)
    const e409 = await failure(client.submit(named))
    assert.instance(e409, KubeError)
    assert.is(e409.code, 409)
    assert.match(e409.message, /create workflow fixed in argo: 409 AlreadyExists: workflows.argoproj.io "fixed" already exists/)

    const { kubeconfig: noToken } = { kubeconfig: kubeconfig.replace('kubeconfig', 'kubeconfig-none') }
    const { writeFileSync, readFileSync } = await import('node:fs')
    writeFileSync(noToken, readFileSync(kubeconfig, 'utf8').replace('{ token: right }', '{ token: wrong }'))
    const e401 = await failure(argo({ kubeconfig: noToken }).get('fixed'))
    assert.is(e401.code, 401)
    assert.match(e401.message, /401 Unauthorized.*hint: the credentials were refused/s, e401.message)
    const reader = kubeconfig.replace('kubeconfig', 'kubeconfig-reader')
    writeFileSync(reader, readFileSync(kubeconfig, 'utf8').replace('{ token: right }', '{ token: reader }'))
    assert.is((await argo({ kubeconfig: reader }).get('fixed')).name, 'fixed')
    const e403 = await failure(argo({ kubeconfig: reader }).submit(steps))
    assert.is(e403.code, 403)
    assert.match(e403.message, /403 Forbidden.*may only read/)

    const watching = run.wait().then(() => new Error('the wait ended without an error'), (e: Error) => e)
    await client.get('fixed').then((r) => r.delete())
    assert.match((await watching).message, /workflow fixed was deleted in argo while it was being watched/)
  } finally {
    await server.close()
  }
  const gone = kubeconfig.replace('kubeconfig', 'kubeconfig-gone')
  const { writeFileSync, readFileSync } = await import('node:fs')
  writeFileSync(gone, readFileSync(kubeconfig, 'utf8'))
  const eDown = await failure(argo({ kubeconfig: gone }).get('fixed'))
  assert.instance(eDown, KubeError)
  assert.is(eDown.code, 0)
  assert.match(eDown.message, /get workflow fixed in argo: cannot reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/)
})

test.run()
