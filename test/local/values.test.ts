/**
 * Values come back exactly: what a function returns, what a script leaves in a file or prints, defaults —
 * each kind with its documented trailing-newline rule (README, "Templates").
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { artifact, bigParam, par, param, py, script, seq, sh, shell, step, stdout, t, workflow } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import { echoString } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: values come back exactly')
const tmp = tempDir('values')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: tmp.path })

const ENDINGS = ['value\n', '\n', '', 'a\n\n', '  x  \n ', '\n\nlead']

test('a function OP returns a string with or without trailing newlines: it comes back exactly (param, bigParam, inside a list, a default)', async () => {
  const run = await runner().run(workflow('fn-newline', par(...ENDINGS.map((s, i) => step(`e${i}`, echoString, { s })))))
  assert.is(run.status, 'Succeeded', run.message)
  for (const view of [run, await openRun(run.dir, new Map([['echo-string', echoString]]))])
    ENDINGS.forEach((s, i) => {
      const o = view.step(`e${i}`).outputs
      assert.is(o['out'], s, `out for ${JSON.stringify(s)}`)
      assert.is(o['big'], s, `big for ${JSON.stringify(s)}`)
      assert.equal(o['list'], [s])
      assert.is(o['fallback'], 'd\n')
    })
})

const fileOut = shell({
  name: 'file-out',
  inputs: { s: param(t.string) },
  outputs: {
    f: param(t.string, { path: 'f.txt' }),
    big: bigParam(t.string, { path: 'f.txt' }),
    missing: param(t.string, { path: 'nothing.txt', default: 'd\n' }),
    printed: stdout(t.string),
  },
  script: ({ s }) => sh`printf '%s' ${s} > f.txt; printf '%s' ${s}`,
})

test('a script output: from a file or stdout, one trailing newline dropped; a bigParam file exactly; a default exactly', async () => {
  const run = await runner().run(workflow('sh-newline', par(...ENDINGS.map((s, i) => step(`f${i}`, fileOut, { s })))))
  assert.is(run.status, 'Succeeded', run.message)
  ENDINGS.forEach((s, i) => {
    const o = run.step(`f${i}`).outputs
    const trimmed = s.endsWith('\n') ? s.slice(0, -1) : s
    assert.is(o['f'], trimmed, `f for ${JSON.stringify(s)}`)
    assert.is(o['printed'], trimmed, `printed for ${JSON.stringify(s)}`)
    assert.is(o['big'], s, `big for ${JSON.stringify(s)}`)
    assert.is(o['missing'], 'd\n')
  })
})

/** A value over Linux's limit on one environment string (128 KiB), with every kind of byte a script could lose. */
const huge = (kib: number): string => `  lead\t"'$(touch pwned)\`*\n${'é€x'.repeat((kib * 1024) / 6)}\n  trail \n\n`

const shCopy = (shell_: string) =>
  shell({
    name: `copy-${shell_}`,
    command: [shell_],
    inputs: { v: param(t.string), lit: param(t.string) },
    outputs: { word: artifact({ path: 'word' }), dq: artifact({ path: 'dq' }), lit: artifact({ path: 'lit' }) },
    script: ({ v, lit }, out) => sh`printf '%s' ${v} > ${out.word}; printf '%s' "<${v}>" > ${out.dq}; printf '%s' ${lit} > ${out.lit}`,
  })

const pyCopy = script({
  name: 'copy-py',
  inputs: { v: param(t.string) },
  outputs: { out: artifact({ path: 'out' }) },
  source: ({ v }, out) => py`open(${out.out}, "w", encoding="utf-8", newline="").write(${v} + "|" + ${[v, 'b']}[0])`,
})

for (const spawn of ['launcher', 'direct'] as const)
  test(`a value of 200 KiB reaches sh (dash, bash) and py scripts intact, every byte kept (spawn: ${spawn})`, async () => {
    const v = huge(200)
    // v: a workflow parameter passed on; lit: a literal argument
    const wf = workflow('big-holes', ({ w }) => par(step('dash', shCopy('dash'), { v: w, lit: v }), step('bash', shCopy('bash'), { v: w, lit: v }), step('py', pyCopy, { v: w })), {
      parameters: { w: param(t.string) },
    })
    const run = await local({ runsDir: tmp.path, spawn }).run(wf, { parameters: { w: v } })
    assert.is(run.status, 'Succeeded', run.message)
    for (const name of ['dash', 'bash']) {
      const o = run.step(name).outputs
      assert.ok(readFileSync((o['word'] as { path: string }).path, 'utf8') === v, `${name}: word`)
      assert.ok(readFileSync((o['dq'] as { path: string }).path, 'utf8') === `<${v}>`, `${name}: dquote`)
      assert.ok(readFileSync((o['lit'] as { path: string }).path, 'utf8') === v, `${name}: literal`)
    }
    assert.ok(readFileSync((run.step('py').outputs['out'] as { path: string }).path, 'utf8') === `${v}|${v}`, 'py')
    assert.not.ok(existsSync(join(run.step('dash').dir, 'workdir', 'pwned')))
  })

const relay = shell({
  name: 'relay',
  inputs: { v: param(t.string) },
  outputs: { v: param(t.string, { path: 'v.txt' }) },
  script: ({ v }, out) => sh`printf '%s' ${v} > ${out.v}`,
})

test('a 2 MB value is stored once in the run folder, named by digest in the journal; run.step and openRun give it back exactly', async () => {
  const v = `${'0123456789abcdef'.repeat(2 ** 17)} end`
  const wf = workflow('big-journal', ({ text }) => {
    const a = step('a', relay, { v: text })
    return seq(a, step('b', relay, { v: a.outputs.v }))
  }, { parameters: { text: param(t.string) } })
  const run = await runner().run(wf, { parameters: { text: v } })
  assert.is(run.status, 'Succeeded', run.message)
  const size = (f: string) => statSync(join(run.dir, f)).size
  const stored = readdirSync(join(run.dir, 'values'))
  assert.is(stored.length, 1, `one stored value, got ${stored.join(', ')}`)
  assert.is(size(join('values', stored[0]!)), Buffer.byteLength(v))
  const records = size('steps.jsonl') + size('workflow.json')
  assert.ok(records < 64 * 1024, `journal and workflow record: ${records} bytes`)
  assert.ok(readFileSync(join(run.dir, 'steps.jsonl'), 'utf8').includes(`sha256:${stored[0]}`))
  for (const view of [run, await openRun(run.dir), await openRun(run.dir, new Map([['relay', relay]]))]) {
    assert.ok(view.step('b').outputs['v'] === v, 'b.outputs.v')
    assert.ok(view.step('b').inputs['v'] === v, 'b.inputs.v')
    assert.ok(view.step('a').inputs['v'] === v, 'a.inputs.v')
  }
})

test.run()
