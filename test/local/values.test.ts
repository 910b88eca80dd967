/**
 * Values come back exactly: what a function returns, what a script leaves in a file or prints, defaults —
 * each kind with its documented trailing-newline rule (README, "Templates").
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bigParam, param, sh, shell, step, stdout, t, workflow } from 'dflow-ts'
import { local, openRun } from 'dflow-ts/local'
import { echoString } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: values come back exactly')
const tmp = tempDir('values')
test.after(tmp.cleanup)
const runner = () => local({ runsDir: tmp.path })

const ENDINGS = ['value\n', '\n', '', 'a\n\n', '  x  \n ', '\n\nlead']

test('a function OP returns a string with or without trailing newlines: it comes back exactly (param, bigParam, inside a list, a default)', async () => {
  for (const s of ENDINGS) {
    const run = await runner().run(workflow('fn-newline', step('e', echoString, { s })))
    assert.is(run.status, 'Succeeded', run.message)
    for (const view of [run, await openRun(run.dir, new Map([['echo-string', echoString]]))]) {
      const o = view.step('e').outputs
      assert.is(o['out'], s, `out for ${JSON.stringify(s)}`)
      assert.is(o['big'], s, `big for ${JSON.stringify(s)}`)
      assert.equal(o['list'], [s])
      assert.is(o['fallback'], 'd\n')
    }
  }
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
  for (const s of ENDINGS) {
    const run = await runner().run(workflow('sh-newline', step('f', fileOut, { s })))
    assert.is(run.status, 'Succeeded', run.message)
    const o = run.step('f').outputs
    const trimmed = s.endsWith('\n') ? s.slice(0, -1) : s
    assert.is(o['f'], trimmed, `f for ${JSON.stringify(s)}`)
    assert.is(o['printed'], trimmed, `printed for ${JSON.stringify(s)}`)
    assert.is(o['big'], s, `big for ${JSON.stringify(s)}`)
    assert.is(o['missing'], 'd\n')
  }
})

test.run()
