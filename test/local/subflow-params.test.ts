import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, artifact, dag, localArtifact, param, py, script, seq, sh, shell, step, subflow, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { inc, reader, writer } from '../helpers/templates.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: subflows, parameters, artifacts')
const tmp = tempDir('sub')
test.after(tmp.cleanup)
const runner = local({ runsDir: join(tmp.path, 'runs'), parallelism: 4 })

const twice = subflow({
  name: 'twice',
  inputs: { n: param(t.number) },
  body: ({ n }) => {
    const a = step('a', inc, { n })
    const b = step('b', inc, { n: a.outputs.n })
    return { run: seq(a, b), outputs: { n: b.outputs.n } }
  },
})

test('a subflow has its own inputs and exposes an inner output; inner steps are queryable', async () => {
  const outer = step('outer', twice, { n: 10 })
  const after = step('after', inc, { n: outer.outputs.n })
  const r = await runner.run(workflow('subflow', seq(outer, after)))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('outer').type, 'Steps')
  assert.is(r.step('outer').outputs.n, 12)
  assert.is(r.step('after').outputs.n, 13)
  assert.equal(
    r.steps({ parent: 'outer' }).map((s) => s.id),
    ['outer.a', 'outer.b'],
  )
  const typed = r.step(after)
  const n: number = typed.outputs.n
  assert.is(n, 13)
})

test('the same subflow called twice in a dag: step ids stay unique', async () => {
  const x = step('x', twice, { n: 0 })
  const y = step('y', twice, { n: x.outputs.n })
  const r = await runner.run(workflow('subflow-dag', dag(x, y)))
  assert.is(r.step('y').outputs.n, 4)
  assert.is(r.steps({ name: 'a' }).length, 2)
  assert.is(r.step('y').type, 'Steps')
})

test('workflow parameters: defaults, values given at run time, and bad values', async () => {
  const echo = shell({ name: 'echo', inputs: { m: param(t.string) }, outputs: { m: param(t.string) }, script: ({ m }, o) => sh`printf '%s' ${m} > ${o.m}` })
  const wf = workflow('params', ({ message, times }) => step('e', echo, { m: message }), {
    parameters: { message: param(t.string, { default: 'hello world' }), times: param(t.number, { default: 2 }) },
  })
  assert.is((await runner.run(wf)).step('e').outputs.m, 'hello world')
  assert.is((await runner.run(wf, { parameters: { message: 'bye' } })).step('e').outputs.m, 'bye')
  for (const parameters of [{ nope: 1 }, { times: 'many' }]) {
    try {
      await runner.run(wf, { parameters })
      assert.unreachable()
    } catch (e) {
      assert.instance(e, DflowError)
    }
  }
})

test('workflow parameters through the API: a missing one is hinted in API syntax; a non-finite number is refused', async () => {
  const n = shell({ name: 'n', inputs: { n: param(t.number) }, script: ({ n }) => sh`test ${n} -ge 0` })
  const wf = workflow('needs-n', ({ n: v }) => step('s', n, { n: v }), { parameters: { n: param(t.number) } })
  const problemsOf = async (parameters: Record<string, unknown>): Promise<string> => {
    try {
      await runner.run(wf, { parameters })
      throw new Error('the run started')
    } catch (e) {
      assert.instance(e, DflowError)
      return (e as DflowError).message
    }
  }
  assert.match(await problemsOf({}), 'parameter "n" has no default and no value was given (hint: pass { parameters: { n: … } })')
  assert.match(await problemsOf({ n: Infinity }), 'needs-n.parameters.n: null is not a number (not a finite number)')
  assert.match(await problemsOf({ n: '1e400' }), 'expected number, got "1e400" (not a finite number)')
  assert.is((await runner.run(wf, { parameters: { n: 3 } })).status, 'Succeeded')
})

test('a workflow parameter used directly in a script (Argo: {{workflow.parameters.x}})', async () => {
  const wf = workflow(
    'global-param',
    ({ message }) => step('e', shell({ name: 'g', outputs: { m: param(t.string) }, script: (_, o) => sh`printf '%s' ${message} > ${o.m}` })),
    { parameters: { message: param(t.string, { default: 'from the workflow' }) } },
  )
  assert.is((await runner.run(wf)).step('e').outputs.m, 'from the workflow')
})

test('artifacts: symlinked by default, copied on request; local files; optional inputs', async () => {
  const data = join(tmp.path, 'data')
  mkdirSync(data, { recursive: true })
  writeFileSync(join(data, 'in.txt'), 'from disk')
  const w = step('w', writer, { text: 'hello' })
  const r1 = step('r1', reader, { file: w.outputs.file })
  const r2 = step('r2', reader, { file: localArtifact('in.txt') })
  const r3 = step('r3', reader)
  const wf = workflow('artifacts', seq(w, r1, r2, r3))
  const linked = await local({ runsDir: join(tmp.path, 'runs'), baseDir: data }).run(wf)
  assert.is(linked.status, 'Succeeded', linked.message)
  assert.equal([linked.step('r1').outputs.text, linked.step('r2').outputs.text, linked.step('r3').outputs.text], ['hello', 'from disk', 'none'])
  assert.ok(lstatSync(join(linked.step('r1').dir, 'inputs/artifacts/file')).isSymbolicLink())
  const copied = await local({ runsDir: join(tmp.path, 'runs'), baseDir: data, stage: 'copy' }).run(wf)
  const staged = join(copied.step('r1').dir, 'inputs/artifacts/file')
  assert.ok(!lstatSync(staged).isSymbolicLink())
  assert.is(readFileSync(staged, 'utf8'), 'hello')
})

test('the run folder records the script actually run, the log, the inputs and every change of phase', async () => {
  const loud = shell({ name: 'loud', inputs: { who: param(t.string) }, script: ({ who }) => sh`echo "hi ${who}"; echo warn >&2` })
  const r = await runner.run(workflow('folder', step('l', loud, { who: 'there' })))
  const s = r.step('l')
  assert.is(s.record.script, 'scripts/loud')
  assert.match(readFileSync(join(r.dir, s.record.script!), 'utf8'), /echo "hi \$\{dflow_in_who\}"/)
  assert.is(s.log(), 'hi there\nwarn\n')
  assert.equal(s.inputs, { who: 'there' })
  const journal = readFileSync(join(r.dir, 'steps.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
  assert.equal(journal.map((j) => j.phase), ['Running', 'Succeeded'])
  assert.is(JSON.parse(readFileSync(join(r.dir, 'workflow.json'), 'utf8')).status, 'Succeeded')
})

test('a Python script template; a folder as an output artifact, read by the next step', async () => {
  const gen = script({
    name: 'gen',
    inputs: { n: param(t.number), word: param(t.string) },
    outputs: { total: param(t.number, { path: 'total.txt' }), dir: artifact({ path: 'out' }) },
    source: ({ n, word }, o) => py`
import os
n = int(${n})
os.makedirs(${o.dir}, exist_ok=True)
for i in range(n):
    open(os.path.join(${o.dir}, f"f{i}.txt"), "w").write(${word} * i)
open(${o.total}, "w").write(str(sum(range(n))) + "\n")
`,
  })
  const count = shell({ name: 'count', inputs: { dir: artifact() }, outputs: { files: param(t.number) }, script: ({ dir }, o) => sh`ls ${dir} | wc -l > ${o.files}` })
  const g = step('gen', gen, { n: 4, word: "it's" })
  const r = await runner.run(workflow('python-dir', seq(g, step('count', count, { dir: g.outputs.dir }))))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('gen').outputs.total, 6)
  const dir = (r.step('gen').outputs.dir as { path: string }).path
  assert.equal(readdirSync(dir).sort(), ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt'])
  assert.is(readFileSync(join(dir, 'f3.txt'), 'utf8'), "it'sit'sit's")
  assert.is(r.step('count').outputs.files, 4)
})

test.run()
