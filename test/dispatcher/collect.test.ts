/**
 * The one command that reads many calls' files (lib/dispatcher/jobs/collect.ts), run by a real bash on real
 * files: it starts no process for a call that wrote no output (a 200-wide fan-out read ~1,000 processes a poll).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localExecWith } from '../../lib/dispatcher/batch/index.ts'
import { collectCommand, parseCollect } from '../../lib/dispatcher/jobs/index.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('dispatcher/jobs: reading the calls’ files')
const tmp = tempDir('collect')
test.after(tmp.cleanup)

test('calls without output are read by bash alone: with no program on PATH, their exit statuses still come back', async () => {
  const empty = join(tmp.path, 'no-programs')
  mkdirSync(empty)
  const base = (i: number) => join(tmp.path, `call-${i}`)
  writeFileSync(`${base(0)}.exit`, '0\n')
  writeFileSync(`${base(0)}.out`, '')
  writeFileSync(`${base(1)}.exit`, '3') // no newline
  writeFileSync(`${base(1)}.err`, '')
  const bash = localExecWith({ PATH: empty })
  const c = collectCommand([base(0), base(1), base(2)], [], 4096)
  const r = await bash({ ...c, argv: ['/bin/bash', ...c.argv.slice(1)] })
  assert.is(r.exitCode, 0, r.stderr)
  const m = parseCollect(r)
  assert.equal([m.get(base(0)), m.get(base(1)), m.get(base(2))], [
    { exitCode: 0, stdout: '', stderr: '' },
    { exitCode: 3, stdout: '', stderr: '' },
    { stdout: '', stderr: '' },
  ])
})

test('a call with output: its tails come back, the last bytes only', async () => {
  const b = join(tmp.path, 'talker')
  writeFileSync(`${b}.exit`, '0\n')
  writeFileSync(`${b}.out`, 'x'.repeat(100) + 'end\n')
  writeFileSync(`${b}.err`, 'oops\n')
  const m = parseCollect(await localExecWith({})(collectCommand([], [b], 4)))
  assert.equal(m.get(b), { exitCode: 0, stdout: 'end\n', stderr: 'ops\n' })
})

test.run()
