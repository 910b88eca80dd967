import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dag, expr, param, par, sh, shell, step, subflow, t, when, workflow } from 'dflow-ts'
import { compileWithTemplates } from 'dflow-ts/argo'
import { exampleFiles, exampleName } from '../helpers/examples.ts'
import { tempDir } from '../helpers/tmp.ts'
import { FAST, sharedFolder } from './parity.ts'
import { checkExample } from './parity-examples.ts'
import { argoPathToLocal } from './parity-paths.ts'

// The parity suite's fast part (the rest: parity.heavy.test.ts): how the step paths of a compiled-then-imported
// run map to the DSL's, and a few examples run both ways.
const test = suite('conformance: parity, run locally = compiled to Argo, imported and run')
const tmp = tempDir('parity-fast')
const shared = sharedFolder()
test.after(() => (tmp.cleanup(), shared.cleanup()))

const hello = shell({ name: 'hello', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: () => sh`echo 1 > n.txt` })
const mapper = (wf: Parameters<typeof compileWithTemplates>[0]) => {
  const { manifest, templates } = compileWithTemplates(wf)
  return argoPathToLocal(wf, manifest, templates)
}

test('the entrypoint that is the one call is that step; a generated entry level is dropped', () => {
  const one = mapper(workflow('w', step('s', hello)))
  assert.is(one('w'), 's')
  const inner = subflow({ name: 'inner', body: () => par(step('a', hello), step('b', hello)) })
  const sub = mapper(workflow('w', step('s', inner)))
  assert.equal(['w', 'w.a', 'w.b'].map(sub), ['s', 's.a', 's.b'])
  const body = mapper(workflow('w', dag(step('a', hello), step('b', hello))))
  assert.equal(['w', 'w.a', 'w.b', 'w.b(0)'].map(body), [undefined, 'a', 'b', 'b(0)'])
})

test('levels the compiler generates are dropped from paths; records of their own are not compared', () => {
  const a = step('a', hello)
  // a `when` around a group inside a dag is a fragment template of its own (body.ts `fragmentCall`)
  const wf = workflow('w', dag(a, when(expr`${a.outputs.n} == 1`, par(step('b', hello), step('c', hello)))))
  const { manifest } = compileWithTemplates(wf)
  const generated = manifest.spec.templates.find((x) => x.name === 'w')!.dag!.tasks.map((x) => x.name).filter((n) => n !== 'a')
  assert.is(generated.length, 1, 'the when compiles to one generated task')
  const map = mapper(wf)
  assert.equal([`w.${generated[0]}`, `w.${generated[0]}.b`, `w.${generated[0]}.c`].map(map), [undefined, 'b', 'c'])
  const ratio = mapper(workflow('w', par.withOptions({ continueOnSuccessRatio: 0.5 })(step('a', hello), step('b', hello))))
  assert.equal(['w.a', 'w.success-check'].map(ratio), ['a', undefined])
})

test('the exit handler: the engine\'s onExit level, then the handler as the DSL names it', () => {
  const handler = subflow({ name: 'handler', body: () => par(step('x', hello)) })
  const map = mapper(workflow('w', step('s', hello), { onExit: step('bye', handler) }))
  assert.equal(['onExit', 'onExit.onExit', 'onExit.onExit.x'].map(map), ['onExit', 'onExit.bye', 'onExit.bye.x'])
  const two = mapper(workflow('w', step('s', hello), { onExit: step('bye', hello) }))
  assert.is(two('onExit.onExit'), 'onExit.bye')
})

for (const file of exampleFiles().filter((f) => FAST.includes(exampleName(f))))
  test(`${exampleName(file)}: the same outcome both ways`, () => checkExample(file, { runsDir: tmp.path, shared: shared.path }))

test.run()
