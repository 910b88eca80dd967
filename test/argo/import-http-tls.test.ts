import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { problemsOf, wf } from './support/import-docs.ts'

/**
 * TLS of imported http templates against a real HTTPS server on loopback, its certificate self-signed (made by
 * openssl for this run): the certificate is checked unless `insecureSkipVerify: true`, as Argo's agent does.
 */
const tmp = tempDir('argo-import-http-tls')
let base = ''
let server: ReturnType<typeof createServer> | undefined
test.before(async () => {
  const [key, cert] = [join(tmp.path, 'key.pem'), join(tmp.path, 'cert.pem')]
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('secret hello'))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
})
test.after(() => (server?.close(), tmp.cleanup()))

test('a self-signed certificate fails the step with a certificate error; insecureSkipVerify: true accepts it', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'checked', template: 'checked', continueOn: { failed: true } }, { name: 'skipped', template: 'skipped' }]] },
      { name: 'checked', http: { url: `${base}/` } },
      { name: 'skipped', http: { url: `${base}/`, insecureSkipVerify: true } },
    ],
  })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  const by = new Map(r.steps().map((s) => [s.id.split('.').pop()!, s]))
  assert.is(by.get('checked')?.phase, 'Failed', JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message])))
  assert.match(String(by.get('checked')?.message), /self[- ]signed certificate/)
  assert.is(by.get('skipped')?.phase, 'Succeeded', String(by.get('skipped')?.message))
  assert.is(by.get('skipped')!.outputs.result, 'secret hello')
})

test("an http input artifact's certificate is always checked (Argo's HTTPArtifact has no insecureSkipVerify): a self-signed one fails the step", async () => {
  const doc = wf({ entrypoint: 'r', templates: [{ name: 'r', container: { image: 'busybox', command: ['cat', '/in/a'] }, inputs: { artifacts: [{ name: 'a', path: '/in/a', http: { url: `${base}/` } }] } }] })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Failed')
  assert.match(String(r.steps({})[0]?.message), /input artifact a: GET https:\/\/127\.0\.0\.1:\d+\/: fetch failed: self[- ]signed certificate/)
  assert.equal(problemsOf(wf({ entrypoint: 'r', templates: [{ name: 'r', container: { image: 'busybox', command: ['true'] }, inputs: { artifacts: [{ name: 'a', path: '/in/a', http: { url: `${base}/`, insecureSkipVerify: true } }] } }] })), [
    'spec.templates.0.inputs.artifacts.0.http.insecureSkipVerify: the field "insecureSkipVerify" is not supported by the local importer',
  ])
})

test.run()
