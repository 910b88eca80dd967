import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo, schemaProblems, type ArgoRun } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * What the user asks of a run on `dflow server` (its REAL runner: the importer and the local interpreter),
 * through dflow's `argo()` client: `spec.suspend` holds steps back, `spec.shutdown` and deletion stop the
 * steps' processes, a retry keeps the Succeeded steps (they do not run again), memoization reads and writes
 * the namespace's ConfigMaps, and a workflow the importer refuses ends in Error saying why. The steps run
 * without a private root (DFLOW_ARGO_ISOLATION=none), so that the files they write are the test's.
 */
const test = suite('dflow server: suspend, shutdown, delete, retry, memoize on the engine runner')
const tmp = tempDir('server-control')
test.after(tmp.cleanup)

const env = { ...process.env, DFLOW_ARGO_ISOLATION: 'none' }
const serve = () => standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state'), env, logPollMs: 50 }), tickMs: 20 })

/** A workflow of one steps template whose steps run these shell lines, one group each. */
const stepsOf = (name: string, lines: readonly string[], spec: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      ...spec,
      templates: [
        { name: 'main', steps: lines.map((_, i) => [{ name: `s${i}`, template: `t${i}` }]) },
        ...lines.map((line, i) => ({ name: `t${i}`, script: { image: 'alpine:3.20', command: ['sh'], source: line } })),
      ],
    },
  }) as any

const waitFor = async (run: ArgoRun, ok: (r: ArgoRun) => boolean): Promise<ArgoRun> => {
  for await (const r of run.watch()) if (ok(r)) return r
  throw new Error(`workflow ${run.name} ended before the condition held`)
}

/** Reads the run again until the condition holds (files a step writes change no status: a watch would not wake). */
const until = async (run: ArgoRun, ok: (r: ArgoRun) => boolean): Promise<ArgoRun> => {
  for (let r = await run.refresh(); ; r = await r.refresh()) {
    if (ok(r)) return r
    if (r.status !== 'Running' && r.status !== 'Pending') throw new Error(`workflow ${run.name} ended ${r.status} before the condition held`)
    await sleep(100)
  }
}

/** Whether a process runs (signal 0 reaches it). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const gone = async (pid: number) => {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100)
  return !alive(pid)
}

test('spec.suspend holds the next steps back (no process runs) until resumed; the running step finishes', async () => {
  const { server, kubeconfig } = await serve()
  const gate = join(tmp.path, 'suspend-gate')
  const started = join(tmp.path, 'suspend-started')
  const marker = join(tmp.path, 'suspend-ran')
  try {
    // s0 waits for the gate, so the patch lands while the run is surely going (a fast first step could end the run first).
    const run = await argo({ kubeconfig }).submit(stepsOf('held', [`touch ${started}; while [ ! -e ${gate} ]; do sleep 0.05; done`, `echo ran > ${marker}`]), {})
    await until(run, () => existsSync(started))
    await run.suspend()
    const r = await waitFor(run, (r) => r.workflow['spec'] !== undefined && (r.workflow['spec'] as { suspend?: boolean }).suspend === true)
    writeFileSync(gate, '')
    await until(r, (r) => r.steps({ name: 's0', phase: 'Succeeded' }).length === 1)
    await sleep(1500)
    assert.is((await r.refresh()).status, 'Running')
    assert.not.ok(existsSync(marker), 'no step ran while suspended')
    const done = await (await run.resume()).wait()
    assert.is(done.status, 'Succeeded')
    assert.is(readFileSync(marker, 'utf8'), 'ran\n')
  } finally {
    await server.close()
  }
})

/** A workflow whose one step sleeps, once its process runs: the run and the process's pid. */
const sleeping = async (kubeconfig: string, name: string) => {
  const pidFile = join(tmp.path, `${name}-pid`)
  const run = await argo({ kubeconfig }).submit(stepsOf(name, [`echo $$ > ${pidFile}; exec sleep 60`]))
  await until(run, (r) => r.steps({ phase: 'Running', type: 'Pod' }).length === 1 && existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'))
  return { run, pid: Number(readFileSync(pidFile, 'utf8')) }
}

test('spec.shutdown Terminate stops the running step\'s process; the workflow ends Failed, saying so', async () => {
  const { server, kubeconfig } = await serve()
  try {
    const { run, pid } = await sleeping(kubeconfig, 'stopped')
    await run.terminate()
    const done = await run.wait()
    assert.is(done.status, 'Failed')
    assert.match(String((done.workflow['status'] as { message?: string }).message), /Terminate/)
    assert.equal(schemaProblems(done.workflow), [])
    assert.ok(await gone(pid), 'the step\'s process is stopped')
  } finally {
    await server.close()
  }
})

test('deleting a running workflow stops its step\'s process and removes its pods', async () => {
  const { server, kubeconfig } = await serve()
  try {
    const { run, pid } = await sleeping(kubeconfig, 'deleted')
    await run.delete()
    assert.ok(await gone(pid), 'the step\'s process is stopped')
    assert.equal(server.store.list('pods', 'argo', () => true).items, [])
  } finally {
    await server.close()
  }
})

test('a retry keeps the Succeeded steps (they do not run again) and reruns the failed one', async () => {
  const { server, kubeconfig } = await serve()
  const count = join(tmp.path, 'retry-count')
  const once = join(tmp.path, 'retry-once')
  try {
    const run = await argo({ kubeconfig }).submit(stepsOf('retried', [`echo a >> ${count}`, `if [ -e ${once} ]; then echo second; else touch ${once}; echo first; exit 1; fi`]))
    const failed = await run.wait()
    assert.is(failed.status, 'Failed')
    assert.is(await failed.logs('s1'), 'first\n')
    const done = await (await run.retry()).wait()
    assert.is(done.status, 'Succeeded', JSON.stringify((done.workflow['status'] as { message?: string }).message))
    assert.is(readFileSync(count, 'utf8'), 'a\n', 's0 ran once')
    assert.is(done.step('s0').phase, 'Succeeded')
    assert.is(await done.logs('s1'), 'second\n')
    assert.equal(schemaProblems(done.workflow), [])
  } finally {
    await server.close()
  }
})

test('memoization reads its cache from the namespace\'s ConfigMap and writes new entries to it', async () => {
  const { server, kubeconfig } = await serve()
  const memoized = (key: string) =>
    ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'memo-' },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            memoize: { key, maxAge: '1h', cache: { configMap: { name: 'my-cache' } } },
            outputs: { parameters: [{ name: 'hello', valueFrom: { path: '/tmp/hello.txt' } }] },
            container: { image: 'alpine:3.20', command: ['sh', '-c'], args: ['echo computed > /tmp/hello.txt'] },
          },
        ],
      },
    }) as any
  try {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    server.store.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'my-cache', namespace: 'argo', labels: { 'workflows.argoproj.io/configmap-type': 'Cache' } },
      data: { seeded: JSON.stringify({ nodeID: 'x', outputs: { parameters: [{ name: 'hello', value: 'from the cache' }], exitCode: '0' }, creationTimestamp: now, lastHitTimestamp: now }) },
    })
    const client = argo({ kubeconfig })
    const hit = await (await client.submit(memoized('seeded'))).wait()
    assert.is(hit.status, 'Succeeded')
    const out = (r: ArgoRun) => (r.workflow['status'] as { nodes: Record<string, { outputs?: { parameters?: { name: string; value: string }[] } }> }).nodes
    assert.equal(Object.values(out(hit)).map((n) => n.outputs?.parameters?.find((p) => p.name === 'hello')?.value), ['from the cache'])
    const miss = await (await client.submit(memoized('fresh'))).wait()
    assert.equal(Object.values(out(miss)).map((n) => n.outputs?.parameters?.find((p) => p.name === 'hello')?.value?.trim()), ['computed'])
    const cm = server.store.get('configmaps', 'argo', 'my-cache') as unknown as { data: Record<string, string> }
    assert.equal(Object.keys(cm.data).sort(), ['fresh', 'seeded'])
    assert.match(JSON.parse(cm.data['fresh']!).outputs.parameters[0].value, /computed/)
  } finally {
    await server.close()
  }
})

test('a workflow the importer refuses ends in Error with the field and the fix', async () => {
  const { server, kubeconfig } = await serve()
  try {
    const wf = stepsOf('refused', ['echo hi'])
    wf.spec.templates[1].failFast = true
    const done = await (await argo({ kubeconfig }).submit(wf)).wait()
    assert.is(done.status, 'Error')
    assert.match(String((done.workflow['status'] as { message?: string }).message), /spec\.templates\.1\.failFast/)
  } finally {
    await server.close()
  }
})

test.run()
