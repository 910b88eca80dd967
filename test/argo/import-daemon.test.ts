/**
 * Argo's daemon templates run locally: a daemon step is done for the steps after it once its readiness probe
 * answers, is reached at {{steps.NAME.ip}}, and is stopped (reading Succeeded) when its scope ends; one that
 * exits on its own fails the workflow. No daemon process outlives the run.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

const tmp = tempDir('dflow-import-daemon-')
test.after(tmp.cleanup)
const run = (doc: unknown) => local({ runsDir: tmp.path }).run(importWorkflow(doc, {}).workflow)

/** A port free now on 127.0.0.1. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })

/** Whether something listens on the port. */
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(true))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)))
  })

const server = (port: number, extra: Record<string, unknown> = {}) => ({
  name: 'server',
  daemon: true,
  container: { image: 'python:3.12', command: ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1'], readinessProbe: { httpGet: { port, path: '/' }, periodSeconds: 1 } },
  ...extra,
})
/** A workflow whose steps are the daemon `server`, then the leaf `next` (a template of that name). */
const serverThen = (port: number, next: { readonly name: string; readonly container: Record<string, unknown> }) =>
  wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'server', template: 'server' }], [{ name: next.name, template: next.name }]] }, server(port), next] })
const fetcher = {
  name: 'fetch',
  inputs: { parameters: [{ name: 'url' }] },
  script: { image: 'python:3.12', command: ['python3'], source: 'import urllib.request\nprint(urllib.request.urlopen("{{inputs.parameters.url}}").status)\n' },
}

test('a daemon step serves the steps after it through {{steps.server.ip}}, and is stopped when its scope ends', async () => {
  const port = await freePort()
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'server', template: 'server' }], [{ name: 'get', template: 'fetch', arguments: { parameters: [{ name: 'url', value: `http://{{steps.server.ip}}:${port}/` }] } }]] },
      server(port),
      fetcher,
    ],
  })
  const r = await run(doc)
  assert.equal(r.status, 'Succeeded', r.message)
  const get = r.steps().find((s) => s.name === 'get')!
  assert.equal(printed(get), '200')
  const srv = r.steps().find((s) => s.name === 'server')!
  assert.equal(srv.phase, 'Succeeded')
  assert.ok(srv.record.finishedAt! >= get.record.finishedAt!, 'the daemon ran until the scope ended')
  assert.is(await listening(port), false, 'the daemon is gone after the run')
})

test('a daemon that exits before it is ready fails the workflow', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'server', template: 'quits' }], [{ name: 'after', template: 'after' }]] },
      { name: 'quits', daemon: true, container: { image: 'busybox', command: ['sh', '-c', 'exit 0'], readinessProbe: { httpGet: { port: 1, path: '/' }, periodSeconds: 1 } } },
      { name: 'after', container: { image: 'busybox', command: ['echo', 'never'] } },
    ],
  })
  const r = await run(doc)
  assert.equal(r.status, 'Failed')
  assert.equal(r.steps().find((s) => s.name === 'server')!.phase, 'Failed')
  assert.match(r.steps().find((s) => s.name === 'server')!.message ?? '', /exited on its own/)
  assert.not.ok(r.steps().some((s) => s.name === 'after' && s.phase === 'Succeeded'))
})

test('a dag task that is a daemon is done for its dependents when ready, and is stopped when the dag ends', async () => {
  const port = await freePort()
  const doc = wf({
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        dag: {
          tasks: [
            { name: 'server', template: 'server' },
            { name: 'get', template: 'fetch', depends: 'server', arguments: { parameters: [{ name: 'url', value: `http://{{tasks.server.ip}}:${port}/` }] } },
          ],
        },
      },
      server(port),
      fetcher,
    ],
  })
  const r = await run(doc)
  assert.equal(r.status, 'Succeeded', r.message)
  assert.equal(printed(r.steps().find((s) => s.name === 'get')!), '200')
  assert.equal(r.steps().find((s) => s.name === 'server')!.phase, 'Succeeded')
  assert.is(await listening(port), false)
})

test('a failing step after a daemon: the workflow fails and the daemon is stopped all the same', async () => {
  const port = await freePort()
  const doc = serverThen(port, { name: 'boom', container: { image: 'busybox', command: ['sh', '-c', 'exit 3'] } })
  const r = await run(doc)
  assert.equal(r.status, 'Failed')
  assert.is(await listening(port), false)
})

test('a run stopped while its daemon serves: the daemon is stopped too', async () => {
  const port = await freePort()
  const doc = serverThen(port, { name: 'wait', container: { image: 'busybox', command: ['sleep', '60'] } })
  const ctl = new AbortController()
  const started = Date.now()
  const poll = setInterval(() => void listening(port).then((up) => up && setTimeout(() => ctl.abort('stopped by the test'), 1000)), 300)
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc, {}).workflow, { signal: ctl.signal }).finally(() => clearInterval(poll))
  assert.is(r.status, 'Failed')
  assert.ok(Date.now() - started < 30_000, 'the run ended when stopped')
  assert.is(await listening(port), false)
})

/** A daemon on busybox running `script`, probed by `probe`, then the leaf `check` (`sh -c CHECK`); the volume `shared` mounted in both at /shared when `shared`. */
const probed = (script: string, probe: Record<string, unknown>, check: string, shared = false, env: readonly { name: string; value: string }[] = []) => {
  const mounts = shared ? { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] } : {}
  return wf({
    entrypoint: 'main',
    ...(shared ? { volumeClaimTemplates: [{ metadata: { name: 'shared' }, spec: {} }] } : {}),
    templates: [
      { name: 'main', steps: [[{ name: 'd', template: 'd' }], [{ name: 'check', template: 'check' }]] },
      { name: 'd', daemon: true, container: { image: 'busybox', command: ['sh', '-c', script], env, readinessProbe: probe, ...mounts } },
      { name: 'check', container: { image: 'busybox', command: ['sh', '-c', check], ...mounts } },
    ],
  })
}
/** Runs a document, stopped after 30 s (a probe that never succeeds would wait for ever). */
const runFor = (doc: unknown, spawn: 'launcher' | 'direct' = 'launcher') =>
  local({ runsDir: tmp.path, spawn }).run(importWorkflow(doc, {}).workflow, { signal: AbortSignal.timeout(30_000) })

for (const spawn of ['launcher', 'direct'] as const)
  test(`an exec probe runs its command in the daemon's own mount namespace (spawn: ${spawn})`, async () => {
    // the file is in the daemon's private /tmp only: a probe run on this host's paths never finds it
    const marker = `/tmp/dflow-probe-${process.pid}-${spawn}`
    const r = await runFor(probed(`sleep 0.5; echo up > ${marker}; sleep 60`, { exec: { command: ['cat', marker] }, periodSeconds: 1 }, 'echo checked'), spawn)
    assert.is(r.status, 'Succeeded', r.message)
    assert.is(r.steps({ name: 'd' })[0]!.phase, 'Succeeded')
    assert.is(printed(r.steps({ name: 'check' })[0]!), 'checked')
    assert.not.ok(existsSync(marker), "the marker was never on this host's /tmp")
  })

test('an exec probe in a pod with volumes (argo-leaf.py, a chroot): successThreshold tries in a row must succeed, then the next step starts', async () => {
  // try 1 fails, tries 2, 3, 4 succeed: ready after the 4th with successThreshold 3; the daemon's own /tmp/env
  // says the probe ran at its root, with its environment
  const tryCmd = 'echo try >> /shared/tries; [ "$(wc -l < /shared/tries)" -ge 2 ] && [ "$MARK" = daemon ] && [ -f /tmp/env ]'
  const doc = probed('echo "$MARK" > /tmp/env; sleep 60', { exec: { command: ['sh', '-c', tryCmd] }, periodSeconds: 1, successThreshold: 3, failureThreshold: 1 }, 'cat /shared/tries | wc -l', true, [{ name: 'MARK', value: 'daemon' }])
  const r = await runFor(doc)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(String(printed(r.steps({ name: 'check' })[0]!)).trim(), '4')
})

test('a tcpSocket probe: ready once the port takes a connection', async () => {
  const port = await freePort()
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'server', template: 'server' }], [{ name: 'get', template: 'fetch', arguments: { parameters: [{ name: 'url', value: `http://{{steps.server.ip}}:${port}/` }] } }]] },
      { ...server(port), container: { ...server(port).container, readinessProbe: { tcpSocket: { port }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1 } } },
      fetcher,
    ],
  })
  const r = await runFor(doc)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(printed(r.steps({ name: 'get' })[0]!), '200')
  assert.is(await listening(port), false)
})

test('the probe as the importer reads it: every timing for every kind, Kubernetes\' defaults for 0 and absent', () => {
  const probe = (readinessProbe: Record<string, unknown>) => {
    const w = importWorkflow(wf({ entrypoint: 'd', templates: [{ name: 'd', daemon: true, container: { image: 'busybox', command: ['sleep', '9'], readinessProbe } }] }), { timeScale: 0.5 }).workflow
    return (w.body as unknown as { template: { daemon: unknown } }).template.daemon
  }
  assert.equal(probe({ exec: { command: ['true'] }, initialDelaySeconds: 4, periodSeconds: 2, timeoutSeconds: 0, successThreshold: 2, failureThreshold: 0 }), {
    readiness: { exec: { command: ['true'] }, initialDelaySeconds: 2, periodSeconds: 1, timeoutSeconds: 0.5, successThreshold: 2, failureThreshold: 3 },
  })
  assert.equal(probe({ tcpSocket: { port: 80 } }), { readiness: { tcpSocket: { port: 80 }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 0.5, successThreshold: 1, failureThreshold: 3 } })
  assert.equal(probe({ httpGet: { port: 443, scheme: 'HTTPS', httpHeaders: [{ name: 'x-a', value: 'b' }] }, successThreshold: 1 }), {
    readiness: { httpGet: { port: 443, path: '/', scheme: 'HTTPS', headers: [['x-a', 'b']] }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 0.5, successThreshold: 1, failureThreshold: 3 },
  })
})

test('what is refused: a grpc probe, two handlers, a grace period, tags in a probe, a named port, a retried daemon, steps.X.ip of a step that is no daemon', () => {
  const refused = (readinessProbe: Record<string, unknown>) => problemsOf(wf({ entrypoint: 'd', templates: [{ name: 'd', daemon: true, container: { image: 'busybox', command: ['sleep', '9'], readinessProbe } }] })).join('\n')
  assert.match(refused({ grpc: { port: 9000 } }), /spec\.templates\.0\.container\.readinessProbe\.grpc: a grpc readiness probe is not supported locally/)
  assert.match(refused({ exec: { command: ['true'] }, tcpSocket: { port: 1 } }), /spec\.templates\.0\.container\.readinessProbe: a probe has one handler, this one tcpSocket and exec/)
  assert.match(refused({ periodSeconds: 1 }), /spec\.templates\.0\.container\.readinessProbe: the probe has no handler/)
  assert.match(refused({ exec: { command: ['true'] }, terminationGracePeriodSeconds: 3 }), /readinessProbe\.terminationGracePeriodSeconds: must not be set for a readiness probe/)
  assert.match(refused({ exec: { command: ['cat', '{{inputs.parameters.f}}'] } }), /readinessProbe\.exec\.command\.1: "\{\{inputs\.parameters\.f\}\}": tags in a readiness probe are not substituted locally/)
  assert.match(refused({ tcpSocket: { port: 'http' } }), /readinessProbe\.tcpSocket\.port: a named port \("http"\)/)
  assert.match(refused({ exec: { command: ['true'] }, successThreshold: -1 }), /readinessProbe\.successThreshold: expected a whole number ≥ 0, got -1/)
  const retried = wf({ entrypoint: 'd', templates: [{ name: 'd', daemon: true, retryStrategy: { limit: 1 }, container: { image: 'busybox', command: ['sleep', '9'] } }] })
  assert.match(problemsOf(retried).join('\n'), /retryStrategy: a retried daemon/)
  const ip = wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'e' }], [{ name: 'b', template: 'fetch', arguments: { parameters: [{ name: 'url', value: '{{steps.a.ip}}' }] } }]] }, { name: 'e', container: { image: 'busybox', command: ['true'] } }, fetcher] })
  assert.match(problemsOf(ip).join('\n'), /"a" is not a daemon step/)
})

test("the daemon examples' images run this host's programs: nginx (Debian nginx-light) and influxd", () => {
  const argv = (image: string) => {
    const w = importWorkflow(wf({ entrypoint: 'd', templates: [{ name: 'd', daemon: true, container: { image } }] }), {}).workflow
    const env = (w.body as unknown as { template: { env: Record<string, string> } }).template.env
    return (JSON.parse(env.DFLOW_ARGO_TEMPLATE!) as { containers: { argv: string[] }[] }).containers[0]!.argv
  }
  assert.equal(argv('nginx:1.13'), ['nginx', '-g', 'daemon off;'])
  assert.equal(argv('docker.io/library/nginx'), ['nginx', '-g', 'daemon off;'])
  assert.equal(argv('influxdb:1.2'), ['influxd'])
  assert.match(problemsOf(wf({ entrypoint: 'd', templates: [{ name: 'd', container: { image: 'redis:7' } }] })).join('\n'), /spec\.templates\.0\.container\.command: no command, and what the image "redis:7" runs is not known here/)
})

test.run()
