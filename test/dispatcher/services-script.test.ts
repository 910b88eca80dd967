/**
 * scripts/services.sh's own contract, without starting anything: status fails for a service that is not up,
 * unknown names are refused, and stop signals only a pid whose process is the daemon it recorded.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('scripts/services.sh')
const tmp = tempDir('services')
test.after(tmp.cleanup)
const script = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url))
const run = (args: string[], state: string) => execa('bash', [script, ...args], { reject: false, env: { DFLOW_SERVICES_DIR: state } })

test('status exits non-zero and says stopped when the service is not up', async () => {
  const r = await run(['status', 'sshd'], join(tmp.path, 'empty'))
  assert.is(r.exitCode, 1)
  assert.match(r.stdout, /^sshd: stopped$/m)
})

test('an unknown service or command is refused', async () => {
  assert.is((await run(['status', 'pbs'], tmp.path)).exitCode, 1)
  assert.match((await run(['status', 'pbs'], tmp.path)).stderr, /unknown service 'pbs'/)
  assert.is((await run(['restart'], tmp.path)).exitCode, 2)
})

if (process.getuid?.() === 0)
  test('stop leaves alone a process whose pid sits in its pid file but is not the daemon', async () => {
    const state = join(tmp.path, 'state')
    mkdirSync(join(state, 'sshd'), { recursive: true })
    const other = execa('sleep', ['30'])
    const ended = other.catch(() => undefined) // a killed sleep must fail the assertion below, not crash the runner
    writeFileSync(join(state, 'sshd', 'sshd.pid'), `${other.pid}\n`)
    const r = await run(['stop', 'sshd'], state)
    assert.is(r.exitCode, 0, r.stderr)
    assert.not.match(r.stderr, /stopping/)
    assert.is(other.exitCode, null, 'the sleep is still running')
    other.kill('SIGKILL')
    await ended
  })

test.run()
