/**
 * Grouped slices of a list artifact on the dispatcher over SSH (the shell system, user hpcuser of the test
 * sshd): each job's folder comes back as one tar stream, which refuses a link leaving the folder — so a
 * function OP's part is linked relatively, and a script's link at its declared relative path is gone when its
 * slice ends. Both end as they do locally.
 */
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { seq, slice, step, workflow, type Workflow } from 'dflow-ts'
import { dispatcher, sshContext } from 'dflow-ts/dispatcher'
import { groupedSubpath, prepare } from '../../examples/slices/group-subpath.ts'
import { catAt } from '../helpers/slice-ops.ts'
import { serviceUp } from './support/services.ts'
import { sshConfigFor, sshTest } from './support/ssh.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('dispatcher over SSH: grouped slices of a list artifact')
const tmp = tempDir('dispatcher-slice-group-ssh')
const up = serviceUp('sshd', 'the grouped slices over SSH')
const ctx = up ? sshContext(sshConfigFor(sshTest(), `/tmp/dflow-slice-group-ssh-${randomBytes(4).toString('hex')}`, { maxSessions: 4 })) : undefined
test.after(async () => {
  await ctx?.close()
  tmp.cleanup()
})
const run = (wf: Workflow) => dispatcher({ batch: 'shell', runsDir: tmp.path, context: ctx!, politeness: { poll: { initialMs: 100, maxMs: 500 } } }).run(wf)

if (up) {
  test('a function OP (its part linked relatively) and a script through its hole, in groups of 2: the local outputs', async () => {
    const r = await run(groupedSubpath(2))
    assert.is(r.status, 'Succeeded', r.message)
    assert.equal(r.step('hello').outputs.text, ['a:foo1', 'b:foo2', 'c:foo3', 'd:foo4', 'e:foo5'])
    assert.equal(r.step('cat').outputs.text, ['a:foo1', 'b:foo2', 'c:foo3', 'd:foo4', 'e:foo5'])
  })

  test('a script reading its part at the relative path it declares, in groups of 3: each slice its own part', async () => {
    const p = step('prepare', prepare)
    const r = await run(workflow('group-declared-ssh', seq(p, slice({ foo: p.outputs.foo }, (s) => step('cat', catAt, { foo: s.foo }), { groupSize: 3, poolSize: 2 }))))
    assert.is(r.status, 'Succeeded', r.message)
    assert.equal(r.step('cat').outputs.text, ['foo1', 'foo2', 'foo3', 'foo4', 'foo5'])
  })
}

test.run()
