import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { launcher } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

/** The launcher's mount namespace for a job that asks for one (launcher.py's DFLOW_NAMESPACE), and when it is not made. */
const test = suite('local: the launcher makes a mount namespace when asked')
const tmp = tempDir('launcher-namespace')
test.after(tmp.cleanup)
const root = process.getuid?.() === 0
const own = launcher()

// the script lives in the run's folder, under /tmp: the namespace's /tmp hides it, and the launcher passes it open
const script = join(tmp.path, 'probe.sh')
writeFileSync(script, 'echo "${DFLOW_NAMESPACE_MADE-no} ${DFLOW_NAMESPACE+asked}"; readlink /proc/self/ns/mnt; if [ -n "${DFLOW_NAMESPACE_MADE-}" ]; then echo here > /tmp/f; fi; exit 4\n')

const run = async (name: string, env: Record<string, string>) => {
  const cwd = join(tmp.path, name, 'workdir')
  mkdirSync(cwd, { recursive: true })
  const exit = await own.spawn({ file: 'sh', args: [script], cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, logPath: join(tmp.path, name, 'log'), captureStdout: true, signal: new AbortController().signal, killGraceSeconds: 1 })
  const printed = exit.stdout!.toString('utf8')
  const [marker, ns] = printed.trim().split('\n')
  return { exit: exit.exitCode, marker, ns, privateTmp: existsSync(join(cwd, 'tmp', 'f')), printed }
}
const ours = readlinkSync('/proc/self/ns/mnt')

test('asked for /tmp: the step runs in a namespace of its own, its /tmp the work folder\'s, told so, not asked any more', async () => {
  if (!root) return console.log('  (skipped: only root makes a mount namespace without a user namespace)')
  const r = await run('made', { DFLOW_NAMESPACE: JSON.stringify({ private: ['tmp'], unless: ['dflow_file_'] }) })
  assert.equal({ ...r, ns: r.ns === ours, printed: undefined }, { exit: 4, marker: '1 ', ns: false, privateTmp: true, printed: undefined })
})

test('not made when an "unless" variable is set, or a private folder is not in the host\'s root: the job runs as any other', async () => {
  for (const [name, env] of [
    ['unless', { DFLOW_NAMESPACE: JSON.stringify({ private: ['tmp'], unless: ['dflow_file_'] }), dflow_file_x: '/nowhere' }],
    ['no-top', { DFLOW_NAMESPACE: JSON.stringify({ private: ['dflow-no-such-folder'], unless: [] }) }],
  ] as const) {
    const r = await run(name, env)
    assert.equal({ ...r, ns: r.ns === ours, printed: undefined }, { exit: 4, marker: 'no asked', ns: true, privateTmp: false, printed: undefined }, name)
  }
})

test('not made when an "off" variable has its value (DFLOW_ARGO_ISOLATION=none): the job runs as any other', async () => {
  const ask = JSON.stringify({ private: ['tmp'], unless: [], off: { DFLOW_ARGO_ISOLATION: 'none' } })
  const r = await run('off', { DFLOW_NAMESPACE: ask, DFLOW_ARGO_ISOLATION: 'none' })
  assert.equal({ ...r, ns: r.ns === ours, printed: undefined }, { exit: 4, marker: 'no asked', ns: true, privateTmp: false, printed: undefined })
  if (!root) return
  const on = await run('off-other', { DFLOW_NAMESPACE: ask, DFLOW_ARGO_ISOLATION: 'auto' })
  assert.is(on.marker, '1 ')
})

test('"make": a missing top-level folder is made on the host, empty, as the mount point; "script": the file made 0755 in the work folder', async () => {
  if (!root) return console.log('  (skipped: only root makes a mount namespace without a user namespace)')
  const top = `dflow-made-${process.pid}`
  try {
    const r = await run('make', { DFLOW_NAMESPACE: JSON.stringify({ private: [top, 'tmp'], unless: [], make: [top], script: `${top}/staging/script` }) })
    assert.is(r.marker, '1 ')
    const script = join(tmp.path, 'make', 'workdir', top, 'staging', 'script')
    assert.is(statSync(script).mode & 0o777, 0o755)
    assert.equal(readdirSync(`/${top}`), [], 'the host\'s folder stays empty')
  } finally {
    rmSync(`/${top}`, { recursive: true, force: true })
  }
})

test('"exec": the command itself runs in the namespace, its words pasted from the environment (never by a shell), its environment, folder and script file as asked', async () => {
  if (!root) return console.log('  (skipped: only root makes a mount namespace without a user namespace)')
  const top = `dflow-exec-${process.pid}`
  const value = 'it\'s "$HOME" `x` \\n'
  const exec = {
    argv: [['sh'], ['-c'], [`printf '%s|' "$0" "$1" "$K" "\${V-unset}" "$PWD"; cat /${top}/staging/script; echo; echo "$PATH"; ls /tmp`], ['a', { var: 'V' }], ['b']],
    env: [['K', ['k=', { var: 'V' }]]],
    unset: ['V'],
    cwd: ['/tmp/', { var: 'V' }],
    source: ['src ', { var: 'V' }],
    prune: ['tmp/p/q', 'tmp/p'],
    prepend: { PATH: ['/pre'] },
  }
  try {
    const cwd = join(tmp.path, 'exec', 'workdir')
    mkdirSync(join(cwd, 'tmp', 'p', 'q'), { recursive: true })
    const r = await run('exec', { V: value, DFLOW_NAMESPACE: JSON.stringify({ private: [top, 'tmp'], unless: [], make: [top], script: `${top}/staging/script`, exec }) })
    assert.is(r.exit, 0)
    assert.is(r.printed, `a${value}|b|k=${value}|unset|/tmp/${value}|src ${value}\n/pre:${process.env.PATH}\n${value}\n`)
    assert.not.ok(existsSync(join(cwd, 'tmp', 'p')), 'the empty folders asked are pruned')
  } finally {
    rmSync(`/${top}`, { recursive: true, force: true })
  }
})

test.run()
