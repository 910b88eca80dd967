import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/**
 * Input artifacts over HTTP (`inputs.artifacts[].http`, and the workflow's `arguments.artifacts`), fetched before
 * the step runs from a real HTTP server on loopback, which checks the headers and basic auth it is sent.
 */
const tmp = tempDir('argo-import-http-artifact')
const seen: { url: string; headers: IncomingMessage['headers'] }[] = []
let tgz: Buffer = Buffer.alloc(0)
const server = createServer((req, res) => {
  seen.push({ url: req.url!, headers: req.headers })
  if (req.url === '/data.csv') return void res.end('year,mean\n2020,1.0\n')
  if (req.url === '/token') return void (req.headers['x-api'] === 'k-v1' ? res.end('with header') : (res.writeHead(403), res.end()))
  if (req.url === '/private') return void (req.headers.authorization === `Basic ${Buffer.from('ada:pw').toString('base64')}` ? res.end('let in') : (res.writeHead(401), res.end()))
  if (req.url === '/bundle.tgz') return void res.end(tgz)
  if (req.url === '/500') return void (res.writeHead(500), res.end('boom'))
  res.writeHead(404)
  res.end()
})
let base = ''
test.before(async () => {
  const src = join(tmp.path, 'src', 'bundle')
  mkdirSync(join(src, 'sub'), { recursive: true })
  writeFileSync(join(src, 'sub', 'b.txt'), 'inside')
  execFileSync('tar', ['-czf', join(tmp.path, 'bundle.tgz'), '-C', join(tmp.path, 'src'), 'bundle'])
  tgz = readFileSync(join(tmp.path, 'bundle.tgz'))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
test.after(() => (server.close(), tmp.cleanup()))

const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web' }, stringData: { user: 'ada', pass: 'pw', wrong: 'nope' } }
const basic = (pass = 'pass') => ({ basicAuth: { usernameSecret: { name: 'web', key: 'user' }, passwordSecret: { name: 'web', key: pass } } })
/** A leaf reading its one input artifact `a` (at /in/a) given by `http`. */
const reader = (name: string, http: Record<string, unknown>, script = 'cat /in/a', extra: Record<string, unknown> = {}) => ({ ...echo(name, script), inputs: { parameters: [{ name: 'tag', default: 'v1' }], artifacts: [{ name: 'a', path: '/in/a', http, ...extra }] } })
const run = (doc: unknown) => local({ runsDir: tmp.path }).run(importWorkflow(doc, { secrets: [secret] }).workflow)
const report = (r: { steps: () => readonly { id: string; phase: string; message?: string }[] }) => JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message]))

test('a template input over http: a header (with a tag), basic auth from a Secret, a tar.gz unpacked, an optional 404 skipped; the file is at its path before the command', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [['plain', 'header', 'auth', 'bundle', 'optional'].map((n) => ({ name: n, template: n }))] },
      reader('plain', { url: `${base}/data.csv` }),
      reader('header', { url: `${base}/token`, headers: [{ name: 'x-api', value: 'k-{{inputs.parameters.tag}}' }] }),
      reader('auth', { url: `${base}/private`, auth: basic() }),
      reader('bundle', { url: `${base}/bundle.tgz` }, 'cat /in/a/sub/b.txt'),
      reader('optional', { url: `${base}/gone` }, 'ls /in; echo done', { optional: true }),
    ],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', report(r))
  const result = (n: string) => String(printed(r.steps({ name: n })[0]!)).trim()
  assert.is(result('plain'), 'year,mean\n2020,1.0')
  assert.is(result('header'), 'with header')
  assert.is(result('auth'), 'let in')
  assert.is(result('bundle'), 'inside')
  assert.is(result('optional'), 'done')
  assert.is(seen.find((s) => s.url === '/token')!.headers['x-api'], 'k-v1')
})

test('a status outside 2xx fails the step naming the artifact, the url and the status; so does a required 404', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [['broken', 'denied', 'missing'].map((n) => ({ name: n, template: n, continueOn: { failed: true } }))] },
      reader('broken', { url: `${base}/500` }),
      reader('denied', { url: `${base}/private`, auth: basic('wrong') }),
      reader('missing', { url: `${base}/gone` }),
    ],
  })
  const r = await run(doc)
  const msg = (n: string) => String(r.steps({ name: n })[0]?.message ?? '')
  for (const n of ['broken', 'denied', 'missing']) assert.is(r.steps({ name: n })[0]?.phase, 'Failed', report(r))
  assert.match(msg('broken'), `input artifact a: loading content from ${base}/500 failed with reason: 500 Internal Server Error`)
  assert.match(msg('denied'), 'failed with reason: 401 Unauthorized')
  assert.match(msg('missing'), 'failed with reason: 404 Not Found')
})

test("the workflow's arguments.artifacts over http are the entrypoint's input (arguments-artifacts)", async () => {
  const doc = wf({ entrypoint: 'e', arguments: { artifacts: [{ name: 'a', http: { url: `${base}/data.csv` } }] }, templates: [{ ...echo('e', 'head -1 /in/a'), inputs: { artifacts: [{ name: 'a', path: '/in/a' }] } }] })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', report(r))
  assert.is(String(printed(r.steps({})[0]!)).trim(), 'year,mean')
})

test('what an http artifact cannot do locally is refused naming the field', () => {
  const p = 'spec.templates.0.inputs.artifacts.0.http'
  const one = (http: Record<string, unknown>) => problemsOf(wf({ entrypoint: 'r', templates: [reader('r', http)] }), { secrets: [secret] })
  assert.equal(one({}), [`${p}.url: an http artifact needs a url`])
  assert.equal(one({ url: 'http://x', auth: { oauth2: {} } }), [`${p}.auth.oauth2: auth.oauth2 is not supported locally`])
  assert.equal(one({ url: 'http://x', headers: [{ name: 'x' }] }), [`${p}.headers.0.value: a header of an http artifact needs a value (Argo's artifact headers have no valueFrom)`])
  assert.equal(one({ url: 'http://x', auth: { basicAuth: { usernameSecret: { name: 'other', key: 'u' } } } }), [`${p}.auth.basicAuth.usernameSecret: no Secret named "other"`])
  const out = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), outputs: { artifacts: [{ name: 'o', path: '/tmp/o', http: { url: 'http://x' } }] } }] })
  assert.equal(problemsOf(out), ["spec.templates.0.outputs.artifacts.0.http: http artifacts are supported locally as a template's inputs and the workflow's arguments"])
})

test.run()
