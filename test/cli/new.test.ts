// `dflow new workflow NAME` and `dflow new op NAME`, through the real CLI in temporary folders. (The OP
// package's own `npm install && npm test` against the packed tarball is run by scripts/check-package.sh.)
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dflowIn } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('cli: dflow new')
const tmp = tempDir('new')
test.after(tmp.cleanup)
const dflow = dflowIn
const folder = (name: string) => {
  const dir = join(tmp.path, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

test('dflow new workflow NAME writes NAME.ts, which runs and compiles; a second time it refuses', () => {
  const dir = folder('wf')
  const r = dflow(dir, 'new', 'workflow', 'hello')
  assert.is(r.code, 0, r.err)
  const run = dflow(dir, 'run', 'hello.ts', '--runs-dir', join(dir, 'runs'))
  assert.is(run.code, 0, run.out + run.err)
  assert.match(run.out, /count +Succeeded .* words=4/)
  assert.match(run.out, /hello Succeeded/)
  assert.is(dflow(dir, 'compile', 'hello.ts').code, 0)
  const again = dflow(dir, 'new', 'workflow', 'hello')
  assert.is(again.code, 2)
  assert.match(again.err, /hello\.ts exists/)
})

test('dflow new op NAME writes a package whose workflow runs and compiles to the golden written beside it', () => {
  const dir = folder('op')
  const r = dflow(dir, 'new', 'op', 'word-rep', '--dflow-ts', '../dflow-ts-9.9.9.tgz')
  assert.is(r.code, 0, r.err)
  const pkg = join(dir, 'word-rep')
  for (const f of ['package.json', 'tsconfig.json', 'README.md', 'src/word-rep.ts', 'test/word-rep.test.ts', 'workflow.ts', 'workflow.argo.yaml'])
    assert.ok(existsSync(join(pkg, f)), `${f} written`)
  const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
  assert.is(json.dependencies['dflow-ts'], `file:${resolve(dir, '../dflow-ts-9.9.9.tgz')}`)
  assert.match(json.scripts.test, /test\/word-rep\.test\.ts/)
  const run = dflow(pkg, 'run', 'workflow.ts', '--runs-dir', join(dir, 'runs'))
  assert.is(run.code, 0, run.out + run.err)
  assert.match(run.out, /word-rep +Succeeded .* msg=Hello Hello Hello/)
  const c = dflow(pkg, 'compile', 'workflow.ts')
  assert.is(c.code, 0, c.err)
  assert.fixture(c.out, readFileSync(join(pkg, 'workflow.argo.yaml'), 'utf8'))
})

test('dflow new op: the dependency defaults to this version; a bad name or a folder in the way is refused', () => {
  const dir = folder('op-default')
  assert.is(dflow(dir, 'new', 'op', 'shout').code, 0)
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version
  assert.is(JSON.parse(readFileSync(join(dir, 'shout', 'package.json'), 'utf8')).dependencies['dflow-ts'], `^${version}`)
  const again = dflow(dir, 'new', 'op', 'shout')
  assert.is(again.code, 2)
  assert.match(again.err, /exists/)
  const bad = dflow(dir, 'new', 'op', 'Bad_Name')
  assert.is(bad.code, 2)
  assert.match(bad.err, /lower-case letters, digits and dashes/)
  assert.is(dflow(dir, 'new', 'thing', 'x').code, 2)
})

test.run()
