/**
 * Argo's daemon templates run locally: a daemon step is done for the steps after it once its readiness probe
 * answers, is reached at {{steps.NAME.ip}}, and is stopped (reading Succeeded) when its scope ends; one that
 * exits on its own fails the workflow. No daemon process outlives the run.
 */
import { createServer } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { problemsOf, wf } from './support/import-docs.ts'

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
  assert.equal(get.outputs.result, '200')
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
  assert.equal(r.steps().find((s) => s.name === 'get')!.outputs.result, '200')
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

test('what is refused: an exec probe, a retried daemon, steps.X.ip of a step that is no daemon', () => {
  const probe = wf({ entrypoint: 'd', templates: [{ name: 'd', daemon: true, container: { image: 'busybox', command: ['sleep', '9'], readinessProbe: { exec: { command: ['true'] } } } }] })
  assert.match(problemsOf(probe).join('\n'), /spec\.templates\.0\.container\.readinessProbe: only an httpGet readiness probe/)
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
