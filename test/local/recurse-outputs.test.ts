import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { param, recurse, sh, shell, step, stdout, t } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { importWorkflow, parseYaml } from 'dflow-ts/argo'
import { readFileSync } from 'node:fs'
import { DflowError } from 'dflow-ts'
import { tempDir } from '../helpers/tmp.ts'
import { checkExample } from '../conformance/parity-examples.ts'
import { sharedFolder } from '../conformance/parity.ts'
import { repoRoot, sharedDir } from '../argo/support/shared.ts'
import fibonacci from '../../examples/argo/fibonacci-seq-conditional-param.ts'

/** The outputs of a recursive call (`recurse` with declared `outputs`): read by the body that made the call, locally and compiled. */
const tmp = tempDir('recurse-outputs')
const shared = sharedFolder()
test.after(() => (tmp.cleanup(), shared.cleanup()))

test('fibonacci(6): each level adds the outputs of its two recursive calls', async () => {
  const run = await local({ runsDir: tmp.path }).run(fibonacci, { parameters: { num: 6 } })
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('fibonaccimain').outputs.fib, 8)
  assert.is(run.step('fibonaccimain.fibonacci-helper.fib-sub-1').outputs.fib, 5)
  assert.is(run.step('fibonaccimain.fibonacci-helper.fib-sub-2').outputs.fib, 3)
  assert.is(run.step('printresult').log(), '8\n')
})

test('declared outputs the body does not expose, or exposes with another codec, are an error at construction', () => {
  const n = shell({ name: 'n', outputs: { result: stdout(t.number) }, script: () => sh`echo 1` })
  assert.throws(
    () => recurse({ name: 'r', outputs: { fib: param(t.number) }, body: () => ({ run: step('n', n), outputs: {} }) }),
    (e: Error) => e.message === 'recurse "r": the body exposes outputs (none) other than those declared (fib)',
  )
  assert.throws(
    () => recurse({ name: 'r', outputs: { fib: param(t.string) }, body: () => { const s = step('n', n); return { run: s, outputs: { fib: s.outputs.result } } } }),
    (e: Error) => e.message === 'recurse "r": output "fib" is declared a string parameter but the body exposes a number parameter',
  )
})

test('examples/argo/fibonacci-seq-conditional-param.ts: the same outcome locally and compiled, imported and run', async () => {
  await checkExample(join(repoRoot, 'examples', 'argo', 'fibonacci-seq-conditional-param.ts'), { runsDir: tmp.path, shared: shared.path })
})

const upstream = sharedDir("the import of Argo's fibonacci-seq-conditional-param")
if (upstream)
  test("Argo's fibonacci-seq-conditional-param imported: refused for its literal 1 in an output's expression; with that 1 a step's result, the recursive calls' outputs add up to 5, and its steps-template memoize serves a second run", async () => {
    const text = readFileSync(join(upstream, 'argo', 'examples', 'fibonacci-seq-conditional-param.yaml'), 'utf8')
    let err: unknown
    try {
      importWorkflow(text)
    } catch (e) {
      err = e
    }
    assert.instance(err, DflowError)
    assert.match((err as DflowError).problems[0]!.path.join('.'), /spec\.templates\.1\.outputs\.parameters\.0\.valueFrom\.expression$/)
    const doc = (parseYaml(text) as unknown as { documents: Record<string, any>[] }).documents[0]!
    const fib = doc.spec.templates[1]
    // upstream's `… == 1 ? 1 : … == 2 ? 1 : ref`: a literal branch is not an output the importer can choose yet
    fib.steps[0].push({ name: 'one', template: 'return-1', when: '{{inputs.parameters.num}} <= 2' })
    fib.outputs.parameters[0].valueFrom.expression = "asInt(inputs.parameters.num) <= 2 ? steps.one.outputs.result : steps['fibonacci-helper'].outputs.parameters.result"
    const memoizeDir = join(tmp.path, 'fibonacci-memo')
    const runIt = async () => {
      const imported = importWorkflow(doc, { memoizeDir, artifactRepository: join(tmp.path, 'fibonacci-repo') })
      const run = await local({ runsDir: tmp.path }).run(imported.workflow, { composite: imported.composite! })
      assert.is(run.status, 'Succeeded')
      assert.is(run.step('fibonaccimain').outputs.fib, '5')
      assert.is(run.step('printresult').log(), '5\n')
      return run
    }
    const first = await runIt()
    assert.ok(first.steps().some((s) => s.id.startsWith('fibonacci.fibonaccimain.')), 'the first run computes fib(5)')
    // within the run, fib(4)'s fib(2) and fib(5)'s fib(3) are served by the entries their first calls stored
    assert.not.ok(first.steps().some((s) => s.id.startsWith('fibonacci.fibonaccimain.fibonacci-helper.fib-sub-2.')))
    // the ConfigMap fibonacci-m keys fib's outputs by num; a second run (within maxAge, 120s) is served fib(5) and runs none of its steps
    assert.is(JSON.parse(JSON.parse(readFileSync(join(memoizeDir, 'fibonacci-m.json'), 'utf8')).data['5']).outputs.parameters[0].value, '5')
    assert.not.ok((await runIt()).steps().some((s) => s.id.startsWith('fibonacci.fibonaccimain.')))
  })

test.run()
