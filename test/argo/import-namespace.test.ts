import { spawnSync } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { step, workflow } from 'dflow-ts'
import { local } from 'dflow-ts/local'
import { mountNamespace } from '../helpers/templates.ts'
import { tempDir } from '../helpers/tmp.ts'
import { echo, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/**
 * An imported leaf run in the mount namespace the launcher makes (lib/local/launcher.py's DFLOW_NAMESPACE), and
 * the same leaves where it is not made (started directly: bubblewrap's root), with the same outcomes.
 */
const tmp = tempDir('argo-import-namespace')
test.after(tmp.cleanup)
const root = process.getuid?.() === 0
const bwrap = spawnSync('bwrap', ['--dev-bind', '/', '/', 'true'], { stdio: 'ignore' }).status === 0

// each step writes its value to /tmp/x, waits for the other, reads it back; says what started it and what it sees
const probe = echo(
  'probe',
  'echo "{{inputs.parameters.v}}" > /tmp/x; mkdir -p /mnt/out; echo "$X" > /mnt/out/env; sleep 0.3; cat /tmp/x > /tmp/y; cat /proc/$PPID/comm; env | grep -c -e ^dflow_ -e ^DFLOW_NAMESPACE -e ^DFLOW_ARGO_TEMPLATE || :; pwd',
  {
    inputs: { parameters: [{ name: 'v' }] },
    outputs: { parameters: [{ name: 'y', valueFrom: { path: '/tmp/y' } }, { name: 'env', valueFrom: { path: '/mnt/out/env' } }] },
  },
)
;(probe.container as Record<string, unknown>).env = [{ name: 'X', value: "x={{inputs.parameters.v}}" }]
;(probe.container as Record<string, unknown>).workingDir = '/tmp/w-{{inputs.parameters.v}}'
const fails = echo('fails', 'echo no >&2; exit 3')
const doc = wf({
  entrypoint: 'main',
  templates: [
    { name: 'main', steps: [[{ name: 'a', template: 'probe', arguments: { parameters: [{ name: 'v', value: "1 it's" }] } }, { name: 'b', template: 'probe', arguments: { parameters: [{ name: 'v', value: '2' }] } }]] },
    probe,
  ],
})

const outcome = async (spawn: 'launcher' | 'direct') => {
  const r = await local({ runsDir: tmp.path, spawn }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Succeeded')
  return ['a', 'b'].map((n) => {
    const s = r.steps({ name: n })[0]!
    const [parent, seen, cwd] = String(printed(s)).split('\n')
    return { y: s.outputs.y, env: s.outputs.env, parent, seen, cwd }
  })
}

test('parallel steps in the launcher\'s namespace: private /tmp and /mnt, tags pasted, no exec for the namespace', async () => {
  if (!root) return console.log('  (skipped: the launcher makes a mount namespace only as root)')
  const [a, b] = await outcome('launcher')
  assert.equal(a, { y: "1 it's", env: "x=1 it's", parent: 'python3', seen: '0', cwd: "/tmp/w-1 it's" })
  assert.equal(b, { y: '2', env: 'x=2', parent: 'python3', seen: '0', cwd: '/tmp/w-2' })
  // the launcher went back to its own namespace: a DSL step it starts next sees the host's
  const after = await local({ runsDir: tmp.path }).run(workflow('after', step('ns', mountNamespace)))
  assert.is(after.steps({ name: 'ns' })[0]!.outputs.ns, readlinkSync('/proc/self/ns/mnt'))
})

test('started directly (no launcher), the same leaves run in bubblewrap\'s root with the same outcomes', async () => {
  if (!bwrap) return console.log('  (skipped: no working bwrap here)')
  const [a, b] = await outcome('direct')
  assert.equal({ ...a, parent: undefined }, { y: "1 it's", env: "x=1 it's", parent: undefined, seen: '0', cwd: "/tmp/w-1 it's" })
  assert.is(a!.parent, 'bwrap')
  assert.is(b!.y, '2')
})

test('in the namespace the launcher starts the command itself: its own environment, PWD its working folder; one not found is sh\'s 127', async () => {
  if (!root) return console.log('  (skipped: the launcher makes a mount namespace only as root)')
  // /proc/$$/environ is what the command was started with (the sh of `sh -c` changes only its own copy)
  const environ = echo('environ', "tr '\\0' '\\n' < /proc/$$/environ | grep -e ^PWD= -e ^OLDPWD= -e ^dflow_ -e ^DFLOW_ARGO_TEMPLATE= -e ^DFLOW_NAMESPACE -e ^K= | sort; cat /proc/$PPID/comm", { inputs: { parameters: [{ name: 'v' }] } })
  ;(environ.container as Record<string, unknown>).env = [{ name: 'K', value: '{{inputs.parameters.v}}' }]
  ;(environ.container as Record<string, unknown>).workingDir = '/tmp/a/../w'
  const missing = { name: 'missing', container: { image: 'busybox', command: ['dflow-no-such-command'], args: ['x'] } }
  const doc = wf({
    entrypoint: 'main',
    templates: [{ name: 'main', steps: [[{ name: 'e', template: 'environ', arguments: { parameters: [{ name: 'v', value: 'a b' }] } }, { name: 'm', template: 'missing', continueOn: { failed: true } }]] }, environ, missing],
  })
  const r = await local({ runsDir: tmp.path, env: { ...process.env, OLDPWD: '/somewhere' } }).run(importWorkflow(doc).workflow)
  assert.is(printed(r.steps({ name: 'e' })[0]!), 'K=a b\nPWD=/tmp/w\npython3')
  const m = r.steps({ name: 'm' })[0]!
  assert.is(m.exitCode, 127)
  assert.match(String(m.message), /dflow-no-such-command: not found/)
})

test("a step's exit code and its log's last line, in the namespace", async () => {
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(wf({ entrypoint: 'fails', templates: [fails] })).workflow)
  assert.is(r.status, 'Failed')
  const s = r.steps()[0]!
  assert.is(s.exitCode, 3)
  assert.is(s.message, 'exit code 3: no')
})

test.run()
