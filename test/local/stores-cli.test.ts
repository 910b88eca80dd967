/**
 * `dflow run FILE --store URL` and `dflow run FILE -a NAME=REF|PATH`, as processes: outputs committed to a
 * folder store and to S3 (a real s3rver, configured through the standard environment as a user configures
 * MinIO), a workflow artifact read from the bucket, and bad values refused naming the option.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openRun } from '../../lib/local/index.ts'
import { folderStore, formatRef, s3Store, type ArtifactLocation } from '../../lib/storage/index.ts'
import { dflowWith } from '../helpers/cli.ts'
import { S3RVER_CREDENTIALS, s3rverEnv, suiteS3rver } from '../helpers/s3rver.ts'

const test = suite('cli: dflow run --store URL and -a NAME=REF')
const { tmp, s3: server } = suiteS3rver(test, 'stores-cli')
const work = join(tmp.path, 'work')
mkdirSync(work, { recursive: true })
const s3Env = () => s3rverEnv(server().endpoint)
const dflow = (env: Record<string, string>, ...args: string[]) => dflowWith(env, work, ...args)
const runDirOf = (out: string) => /run folder: (.*)/.exec(out)?.[1]?.trim() as string
const example = (name: string) => join(process.cwd(), 'examples', name)

test('dflow run --store file:///DIR commits every output artifact under RUN/STEP/NAME in that folder', async () => {
  const dir = join(tmp.path, 'folder-store')
  const r = dflow({}, 'run', example('steps.ts'), '--store', `file://${dir}`, '--runs-dir', join(tmp.path, 'runs'))
  assert.is(r.code, 0, r.err + r.out)
  const run = await openRun(runDirOf(r.out))
  const bar = run.step('hello3').outputs['bar'] as ArtifactLocation
  assert.equal({ store: bar.store, key: bar.key }, { store: `file://${dir}`, key: `${run.id}/hello3/bar` })
  assert.is(readFileSync(join(dir, run.id, 'hello3', 'bar', 'content'), 'utf8'), 'Hello\n'.repeat(4))
})

test('dflow run -a data=REF --store s3://…: the workflow artifact is read from the bucket, outputs are committed to it; -a data=PATH reads a local file', async () => {
  writeFileSync(join(work, 'five.txt'), '1\n2\n3\n4\n5\n')
  const st = s3Store({ bucket: 'artifacts', prefix: 'inputs', endpoint: server().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  const { at, info } = await st.put(join(work, 'five.txt'), 'five')
  const wfFile = example('artifacts/workflow-artifacts.ts')
  const r = dflow(s3Env(), 'run', wfFile, '-a', `data=${formatRef(at, info.archive)}`, '--store', 's3://artifacts/runs', '--runs-dir', join(tmp.path, 'runs'))
  assert.is(r.code, 0, r.err + r.out)
  const run = await openRun(runDirOf(r.out))
  assert.is(run.step('count').record.outputs.parameters['lines'], '5', 'the step read the artifact from the bucket')
  const report = run.step('count').outputs['report'] as ArtifactLocation
  assert.equal({ store: report.store, key: report.key }, { store: 's3://artifacts/runs/', key: `${run.id}/count/report` })
  assert.ok(await s3Store({ bucket: 'artifacts', prefix: 'runs', endpoint: server().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS }).exists(report.key))
  await st.close()
  const byPath = dflow({}, 'run', wfFile, '-a', 'data=five.txt', '-q', '--runs-dir', join(tmp.path, 'runs'))
  assert.is(byPath.code, 0, byPath.err + byPath.out)
  // a folder store REF (file:///DIR#KEY), without --store: read with the store it names
  const fs = folderStore(join(tmp.path, 'inputs'))
  const three = join(work, 'three.txt')
  writeFileSync(three, 'a\nb\nc\n')
  const ref = formatRef((await fs.put(three, 'three')).at)
  const byFolderRef = dflow({}, 'run', wfFile, '-a', `data=${ref}`, '--runs-dir', join(tmp.path, 'runs'))
  assert.is(byFolderRef.code, 0, byFolderRef.err + byFolderRef.out)
  assert.is((await openRun(runDirOf(byFolderRef.out))).step('count').record.outputs.parameters['lines'], '3')
})

test('dflow run refuses a missing workflow artifact, an -a without NAME=, a REF that is not one and a bad --store URL (exit 2); a REF to a missing key fails the step naming it (exit 1)', () => {
  const wfFile = example('artifacts/workflow-artifacts.ts')
  const missing = dflow(s3Env(), 'run', wfFile, '--store', 's3://artifacts/runs')
  assert.is(missing.code, 2)
  assert.match(missing.err, 'artifact "data" has no value (hint: -a data=REF)')
  const noName = dflow({}, 'run', wfFile, '-a', 'data')
  assert.is(noName.code, 2)
  assert.match(noName.err, '-a takes NAME=REF or NAME=PATH, got "data"')
  const badRef = dflow({}, 'run', wfFile, '-a', 'data=s3://artifacts')
  assert.is(badRef.code, 2)
  assert.match(badRef.err, 'is not an artifact REF')
  const badStore = dflow({}, 'run', wfFile, '-a', 'data=x', '--store', 'ftp://x')
  assert.is(badStore.code, 2)
  assert.match(badStore.err, 'use s3://BUCKET/PREFIX or file:///ABSOLUTE/DIR')
  const never = dflow(s3Env(), 'run', wfFile, '-a', 'data=s3://artifacts/uploads/never.tgz', '--store', 's3://artifacts/runs', '-q', '--runs-dir', join(tmp.path, 'runs'))
  assert.is(never.code, 1)
  assert.match(never.out, 'key "uploads/never"')
})

test.run()
