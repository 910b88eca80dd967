import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { and, dag, forEach, not, on, or, param, sh, shell, step, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { compileChecked as compile } from '../argo/support/checked.ts'
import enhanced from '../../examples/argo/dag-enhanced-depends.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('dag: depends on outcomes')
const tmp = tempDir('depends')
test.after(tmp.cleanup)

const pass = shell({ name: 'pass', script: () => sh`exit 0` })
const fail = shell({ name: 'fail', script: () => sh`exit 1` })
const exitWith = shell({ name: 'exit-with', inputs: { code: param(t.number) }, script: ({ code }) => sh`exit ${code}` })

test('dag-enhanced-depends: C Failed, should-not-execute Omitted, the rest Succeeded, the dag Succeeded', async () => {
  const r = await local({ runsDir: tmp.path }).run(enhanced)
  assert.is(r.status, 'Succeeded', r.message)
  const phase = (n: string) => r.step(n).phase
  assert.equal(
    ['A', 'B', 'C', 'should-execute-1', 'should-execute-2', 'should-not-execute', 'should-execute-3'].map(phase),
    ['Succeeded', 'Succeeded', 'Failed', 'Succeeded', 'Succeeded', 'Omitted', 'Succeeded'],
  )
  assert.is(r.step('diamond').phase, 'Succeeded')
})

// Argo expands a dependency on a task with continueOn to include the outcomes it continues on
// (argo-workflows workflow/common/ancestry.go, expandDependency): the dependent runs when it fails.
const failOut = shell({ name: 'fail-out', outputs: { v: param(t.string, { default: 'fallback' }), w: param(t.string) }, script: () => sh`exit 1` })
const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })

test('a dag task waiting on a task with continueOn runs when it fails (as Argo), reading its declared output defaults', async () => {
  const x = step('x', failOut, {}, { continueOn: { failed: true } })
  const byName = step('by-name', pass, {}, { dependsOn: [x] })
  const byRef = step('by-ref', echo, { m: x.outputs.v })
  const wf = workflow('continue-dep', dag(x, byName, byRef))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal([r.step('x').phase, r.step('by-name').phase, r.step('by-ref').phase], ['Failed', 'Succeeded', 'Succeeded'])
  assert.is(r.step('by-ref').log(), 'fallback\n')
  // Argo: the same dependencies, which its controller expands to (x.Succeeded || x.Skipped || x.Daemoned || x.Failed)
  const tasks = compile(wf).spec.templates.find((t) => t.name === 'continue-dep')!.dag!.tasks
  assert.equal(tasks.map((t) => [t.name, t.dependencies ?? [], t.continueOn ?? {}]), [['x', [], { failed: true }], ['by-name', ['x'], {}], ['by-ref', ['x'], {}]])
})

test('depends: the bare name of a task with continueOn holds when it fails as it continues on (Argo expands it alike)', async () => {
  const x = step('x', fail, {}, { continueOn: { failed: true } })
  const r = await local({ runsDir: tmp.path }).run(workflow('continue-bare', dag(x, step('after', pass, {}, { depends: on(x) }), step('not-after', pass, {}, { depends: not(on(x)) }))))
  assert.equal([r.step('x').phase, r.step('after').phase, r.step('not-after').phase], ['Failed', 'Succeeded', 'Omitted'])
})

test('a dependent reading an output that a continued failure has no default for errors, naming it', async () => {
  const x = step('x', failOut, {}, { continueOn: { failed: true } })
  const r = await local({ runsDir: tmp.path }).run(workflow('continue-missing', dag(x, step('use-w', echo, { m: x.outputs.w }))))
  assert.is(r.status, 'Failed')
  assert.is(r.step('use-w').phase, 'Error')
  assert.match(r.step('use-w').message ?? '', 'no value for "w" from step "x"')
})

test('continueOn.error: a task waiting on one that errored runs; without continueOn a failure still omits it', async () => {
  const errs = step('errs', shell({ name: 'no-out', outputs: { v: param(t.string) }, script: () => sh`true` }), {}, { continueOn: { error: true } })
  const r = await local({ runsDir: tmp.path }).run(workflow('continue-error', dag(errs, step('after', pass, {}, { dependsOn: [errs] }))))
  assert.equal([r.step('errs').phase, r.step('after').phase], ['Error', 'Succeeded'])
  const a = step('a', fail, {}, { continueOn: { error: true } })
  const r2 = await local({ runsDir: tmp.path }).run(workflow('not-continued', dag(a, step('b', pass, {}, { dependsOn: [a] }))))
  assert.is(r2.step('a').phase, 'Failed')
  assert.equal(r2.steps({ name: 'b' }), [])
})

test('an omitted leaf after a failure fails the dag', async () => {
  const a = step('a', fail)
  const b = step('b', pass, {}, { depends: on(a, 'Succeeded') })
  const r = await local({ runsDir: tmp.path }).run(workflow('omitted-leaf', dag(a, b)))
  assert.is(r.status, 'Failed')
  assert.is(r.step('b').phase, 'Omitted')
})

test('a handled failure does not stop its siblings; not() and Errored', async () => {
  const a = step('a', fail)
  const slow = step('slow', shell({ name: 'slow', script: () => sh`sleep 0.2` }))
  const cleanup = step('cleanup', pass, {}, { depends: or(on(a, 'Failed'), on(a, 'Errored')) })
  const never = step('never', pass, {}, { depends: not(on(a, 'Failed')) })
  const after = step('after', pass, {}, { depends: and(on(slow), on(cleanup)) })
  const r = await local({ runsDir: tmp.path }).run(workflow('handled', dag(a, slow, cleanup, never, after)))
  assert.equal(['a', 'slow', 'cleanup', 'never', 'after'].map((n) => r.step(n).phase), ['Failed', 'Succeeded', 'Succeeded', 'Omitted', 'Succeeded'])
  // `never` is a leaf omitted after a failure: the dag fails, as on Argo
  assert.is(r.status, 'Failed')
})

test('AnySucceeded and AllFailed over a fan-out', async () => {
  const fan = forEach([0, 1], (item) => step('fan', exitWith, { code: item }))
  const any = step('any', pass, {}, { depends: on(fan, 'AnySucceeded') })
  const all = step('all', pass, {}, { depends: on(fan, 'AllFailed') })
  const wf = workflow('fan-outcomes', dag(fan, any, all))
  const r = await local({ runsDir: tmp.path }).run(wf)
  assert.is(r.step('any').phase, 'Succeeded')
  assert.is(r.step('all').phase, 'Omitted')
  const tasks = compile(workflow('fan-outcomes', dag(fan, any))).spec.templates[0]!.dag!.tasks
  assert.is(tasks.find((x) => x.name === 'any')!.depends, 'fan.AnySucceeded')
})

test('Argo: depends conditions print with parentheses where needed', () => {
  const tasks = compile(enhanced).spec.templates.find((x) => x.name === 'diamond')!.dag!.tasks
  assert.equal(
    Object.fromEntries(tasks.map((x) => [x.name, x.depends])),
    { A: undefined, B: 'A', C: 'A', 'should-execute-1': 'A && (C.Succeeded || C.Failed)', 'should-execute-2': 'B || C', 'should-not-execute': 'B && C', 'should-execute-3': 'should-execute-2.Succeeded || should-not-execute' },
  )
})

test.run()
