import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, step, t, workflow } from 'dflow-ts'
import { compile } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { compileChecked } from '../argo/support/checked.ts'

const test = suite('packages: local folders shipped with a step')
const tmp = tempDir('packages')
test.after(tmp.cleanup)

const lib = join(tmp.path, 'src', 'mylib')
mkdirSync(lib, { recursive: true })
writeFileSync(join(lib, 'index.js'), 'module.exports = { v: 41 + 1 }\n')
const uses = shell({
  name: 'uses-lib',
  packages: [lib],
  outputs: { v: param(t.number, { path: 'v.txt' }) },
  script: () => sh`node -e 'console.log(require("mylib").v)' > v.txt`,
})
const wf = workflow('packages', step('use', uses))

test('locally, a shipped folder is found through NODE_PATH (and PYTHONPATH)', async () => {
  const run = await local({ runsDir: tmp.path }).run(wf)
  assert.is(run.status, 'Succeeded', run.message)
  assert.is(run.step('use').outputs['v'], 42)
})

test('on Argo, a shipped folder is an input artifact placed by localArtifact, on NODE_PATH; without a place it is an error', () => {
  const m = compileChecked(wf, { localArtifact: (a) => ({ s3: { key: `packages/${a.path.split('/').pop()}` } }) })
  const tpl = m.spec.templates.find((x) => x.name === 'uses-lib')!
  assert.equal(tpl.inputs?.artifacts, [{ name: 'dflow-pkg-0', path: '/tmp/dflow/packages/mylib', s3: { key: 'packages/mylib' } }])
  assert.ok(tpl.script?.env?.some((e) => e.name === 'NODE_PATH' && e.value === '/tmp/dflow/packages'))
  assert.throws(() => compile(wf), /package ".*mylib" has no place on the cluster/)
})

test.run()
