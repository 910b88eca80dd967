import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/**
 * Argo's http templates imported and run against a real HTTP server on loopback: the server checks what it
 * received (method, headers, body), the steps' phases and results are Argo's.
 */
const tmp = tempDir('argo-import-http')
const seen: { method: string; url: string; token: string | undefined; body: string }[] = []
let flaky = 0
const server = createServer(async (req: IncomingMessage, res) => {
  let body = ''
  for await (const c of req) body += c
  seen.push({ method: req.method!, url: req.url!, token: req.headers['x-token'] as string | undefined, body })
  if (req.url === '/hello') return void res.end('hello there')
  if (req.url === '/echo' && req.method === 'POST') return void (res.writeHead(201, { 'content-type': 'text/plain' }), res.end(`got ${body} with ${req.headers['x-token']}`))
  if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000)
  if (req.url === '/flaky') return void (flaky++ === 0 ? (res.writeHead(503), res.end('busy')) : res.end('ok now'))
  if (req.url === '/500') return void (res.writeHead(500), res.end('boom'))
  // Argo's rule is 2xx, not "under 400": a 304 fails, a redirect is followed to its 200
  if (req.url === '/304') return void (res.writeHead(304), res.end())
  if (req.url === '/moved') return void (res.writeHead(302, { location: '/hello' }), res.end())
  res.writeHead(404)
  res.end('no such page')
})
let base = ''
test.before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
test.after(() => (server.close(), tmp.cleanup()))

const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api' }, stringData: { token: 's3cret' } }
const call = (name: string, template: string, url: string, extra: Record<string, unknown> = {}) => ({ name, template, arguments: { parameters: [{ name: 'url', value: url }] }, ...extra })
const httpT = (name: string, http: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, inputs: { parameters: [{ name: 'url' }] }, http: { url: '{{inputs.parameters.url}}', ...http }, ...extra })

test('GET and POST with headers and a body, a secret header, successCondition, the default rule, timeoutSeconds, result to the next step', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        steps: [
          [
            call('get', 'get', `${base}/hello`),
            call('post', 'post', `${base}/echo`),
            call('cond-false', 'cond', `${base}/hello`, { continueOn: { failed: true } }),
            call('missing', 'get', `${base}/nothing`, { continueOn: { failed: true } }),
            call('broken', 'get', `${base}/500`, { continueOn: { failed: true } }),
            call('not-modified', 'get', `${base}/304`, { continueOn: { failed: true } }),
            call('moved', 'get', `${base}/moved`),
            call('slow', 'slow', `${base}/slow`, { continueOn: { failed: true } }),
          ],
          [{ name: 'show', template: 'show', arguments: { parameters: [{ name: 'text', value: '{{steps.post.outputs.result}}' }] } }],
        ],
      },
      httpT('get', {}),
      httpT('post', { method: 'POST', body: 'payload-{{workflow.name}}', headers: [{ name: 'x-token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }], successCondition: 'response.statusCode == 201 && response.body contains "payload" && response.headers["Content-Type"][0] == "text/plain"' }),
      httpT('cond', { successCondition: 'response.statusCode == 201' }),
      httpT('slow', { timeoutSeconds: 1 }),
      { ...echo('show', 'echo "shown: {{inputs.parameters.text}}"'), inputs: { parameters: [{ name: 'text' }] } },
    ],
  })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc, { secrets: [secret] }).workflow)
  const by = new Map(r.steps().map((s) => [s.id.split('.').pop()!, s]))
  const phases = Object.fromEntries(['get', 'post', 'cond-false', 'missing', 'broken', 'not-modified', 'moved', 'slow', 'show'].map((n) => [n, by.get(n)?.phase]))
  assert.equal(phases, { get: 'Succeeded', post: 'Succeeded', 'cond-false': 'Failed', missing: 'Failed', broken: 'Failed', 'not-modified': 'Failed', moved: 'Succeeded', slow: 'Failed', show: 'Succeeded' }, JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message])))
  const post = seen.find((s) => s.url === '/echo')!
  assert.is(post.method, 'POST')
  assert.is(post.token, 's3cret')
  assert.match(post.body, /^payload-imp-/)
  assert.is(seen.find((s) => s.url === '/hello')!.method, 'GET')
  const msg = (n: string) => String(by.get(n)?.message ?? '')
  assert.match(msg('missing'), 'received non-2xx response code: 404')
  assert.match(msg('broken'), 'received non-2xx response code: 500')
  assert.match(msg('not-modified'), 'received non-2xx response code: 304')
  assert.is(by.get('moved')!.outputs.result, 'hello there')
  assert.match(msg('cond-false'), 'evaluated false')
  assert.match(msg('slow'), 'timeoutSeconds')
  assert.is(by.get('get')!.outputs.result, 'hello there')
  assert.match(printed(by.get('show')!), /^shown: got payload-imp-\S+ with s3cret$/)
})

test('an http step that fails once is retried (retryStrategy), its result the second answer', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [{ name: 'main', steps: [[call('f', 'flaky', `${base}/flaky`)]], outputs: { parameters: [{ name: 'r', valueFrom: { parameter: '{{steps.f.outputs.result}}' } }] } }, httpT('flaky', {}, { retryStrategy: { limit: 2 } })],
  })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message])))
  assert.is(flaky, 2)
  assert.is(r.steps().find((s) => s.id === 'imp.f')!.outputs.result, 'ok now')
})

test('bad http templates name their path: no url, an unknown field, a header without a value, a condition on other names', () => {
  const one = (http: Record<string, unknown>) => problemsOf(wf({ entrypoint: 'h', templates: [{ name: 'h', http }] }))
  assert.equal(one({}), ['spec.templates.0.http.url: an http request needs a url'])
  assert.ok(one({ url: 'http://x', proxy: 1 })[0]!.startsWith('spec.templates.0.http.proxy: the field "proxy" is not supported'), String(one({ url: 'http://x', proxy: 1 })))
  assert.ok(one({ url: 'http://x', headers: [{ name: 'a' }] })[0]!.startsWith('spec.templates.0.http.headers.0.valueFrom:'))
  assert.ok(one({ url: 'http://x', successCondition: 'steps.a.status == "x"' })[0]!.startsWith('spec.templates.0.http.successCondition: successCondition reads steps.a.status'))
})

test.run()
