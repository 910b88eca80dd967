import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openRun } from 'dflow-ts/local'
import { dflowIn } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * The identity a run folder records is of what the value computes, a function OP by its bundle: an edit of a
 * helper file that an OP's module imports (the module itself unchanged) is a changed value on restart —
 * refused, naming the template and saying that its bundle changed; with --allow-changes that OP's step and
 * every step downstream of it run again, the others not.
 */
const test = suite('local: restart sees a changed fn bundle')
const tmp = tempDir('restart-bundle')
test.after(tmp.cleanup)

const dir = join(tmp.path, 'project')
const helper = join(dir, 'factor.ts')
const log = join(tmp.path, 'log')
mkdirSync(dir, { recursive: true })
writeFileSync(helper, 'export const factor = 2\n')
const MARK = `import { appendFileSync } from 'node:fs'\nconst mark = (name: string) => appendFileSync(process.env.DFLOW_BUNDLE_LOG!, name + '\\n')\n`
writeFileSync(
  join(dir, 'scale.ts'),
  `${MARK}import { fn, param, t } from 'dflow-ts'
import { factor } from './factor.ts'
export const scale = fn({ name: 'scale', module: import.meta.url, inputs: { n: param(t.number) }, outputs: { n: param(t.number) } }, ({ n }) => (mark('scale'), { n: n * factor }))
`,
)
writeFileSync(
  join(dir, 'ops.ts'),
  `${MARK}import { fn, param, t } from 'dflow-ts'
export const first = fn({ name: 'first', module: import.meta.url, outputs: { n: param(t.number) } }, () => (mark('first'), { n: 5 }))
export const plus = fn({ name: 'plus', module: import.meta.url, inputs: { n: param(t.number) }, outputs: { n: param(t.number) } }, ({ n }) => (mark('plus'), { n: n + 1 }))
`,
)
writeFileSync(
  join(dir, 'wf.ts'),
  `import { seq, step, workflow } from 'dflow-ts'
import { first, plus } from './ops.ts'
import { scale } from './scale.ts'
const a = step('a', first)
const b = step('b', scale, { n: a.outputs.n })
export default workflow('bundle', seq(a, b, step('c', plus, { n: b.outputs.n })))
`,
)
process.env.DFLOW_BUNDLE_LOG = log
const logged = () => readFileSync(log, 'utf8').split('\n').filter(Boolean)

test('an edited helper of an fn module is a changed bundle: refused with what changed; --allow-changes reruns that step and what follows', async () => {
  writeFileSync(log, '')
  const r = dflowIn(dir, 'run', 'wf.ts', '--runs-dir', 'runs', '-q')
  assert.is(r.code, 0, r.out + r.err)
  assert.equal(logged(), ['first', 'scale', 'plus'])
  const found = readdirSync(join(dir, 'runs'))
  assert.is(found.length, 1)
  const runDir = join(dir, 'runs', found[0]!)
  const rec = JSON.parse(readFileSync(join(runDir, 'restart.json'), 'utf8')) as { identity: { bundles: Record<string, string> } }
  assert.equal(Object.keys(rec.identity.bundles).sort(), ['first', 'plus', 'scale'], 'each fn OP by its bundle digest')
  // as if its driver had been killed before it recorded the end
  const wfFile = join(runDir, 'workflow.json')
  writeFileSync(wfFile, JSON.stringify({ ...JSON.parse(readFileSync(wfFile, 'utf8')), status: 'Running', pid: 999_999_999 }))
  writeFileSync(helper, 'export const factor = 3\n')
  writeFileSync(log, '')
  const refused = dflowIn(dir, 'restart', runDir, '-q')
  assert.is.not(refused.code, 0, 'refused')
  assert.match(refused.err, /template "scale" changed: its bundle/)
  assert.not.match(refused.err, /template "(first|plus)"/, 'their module did not change')
  assert.match(refused.err, /--allow-changes/)
  assert.equal(logged(), [], 'nothing ran')
  const allowed = dflowIn(dir, 'restart', runDir, '--allow-changes', '-q')
  assert.is(allowed.code, 0, allowed.out + allowed.err)
  assert.equal(logged(), ['scale', 'plus'], 'the changed OP ran again, and the step downstream of it; the first did not')
  const run = await openRun(runDir)
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('c').outputs.n, 16)
})

test.run()
