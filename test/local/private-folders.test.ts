import { lstatSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, param, seq, sh, shell, step, stdout, t, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { double } from '../helpers/fn-ops.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * Run folders hold parameter values (in the journal, workflow.json, logs): whatever the umask, a run
 * folder is private to its owner — 0700 for every folder the driver makes, 0600 for every file it
 * writes. (What a step's own process writes in its work folder or as an output follows the step's umask,
 * inside the private folder.)
 */
const test = suite('local: run folders are private to their owner')
const tmp = tempDir('private')
test.after(tmp.cleanup)

const make = shell({
  name: 'make',
  inputs: { secret: param(t.string) },
  outputs: { out: param(t.string), file: artifact(), said: stdout(t.string) },
  script: ({ secret }, out) => sh`printf %s ${secret} > ${out.out}; printf x > ${out.file}; echo said`,
})
const use = shell({ name: 'use', inputs: { file: artifact() }, script: ({ file }) => sh`cat ${file} >&2` })

/** Every entry of a folder, but not what is inside work folders or output files (the step's own). */
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    const st = lstatSync(p)
    if (st.isSymbolicLink()) return []
    if (!st.isDirectory()) return /\/outputs\/(parameters|artifacts)\//.test(p) ? [] : [p]
    return f === 'workdir' ? [p] : [p, ...walk(p)]
  })

for (const spawn of ['launcher', 'direct'] as const)
  test(`under umask 000, every folder is 0700 and every file 0600 (${spawn} start)`, async () => {
    const before = process.umask(0)
    let dir: string
    try {
      // A value this large is kept in the run's value store (values/<digest>), which is private too.
      const a = step('a', make, { secret: 'hunter2'.repeat(1000) })
      const r = await local({ runsDir: join(tmp.path, `runs-${spawn}`), spawn }).run(
        workflow('private', seq(a, step('b', use, { file: a.outputs.file }), step('c', double, { n: 2 }))),
        { parameters: {} },
      )
      assert.is(r.status, 'Succeeded', r.message)
      dir = r.dir
    } finally {
      process.umask(before)
    }
    const modes = [dir, ...walk(dir)].map((p) => `${relative(dir, p) || '.'} ${(lstatSync(p).mode & 0o777).toString(8)}`)
    const wrong = modes.filter((m) => !(m.endsWith(lstatSync(join(dir, m.split(' ')[0]!)).isDirectory() ? ' 700' : ' 600')))
    assert.equal(wrong, [], `modes: ${modes.join(', ')}`)
    assert.ok(modes.some((m) => m.startsWith('steps.jsonl ')) && modes.some((m) => m.startsWith('steps/a/log.txt ')) && modes.some((m) => m.startsWith('values/')))
  })

test.run()
