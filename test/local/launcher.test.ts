import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, seq, sh, shell, stdout, step, t, workflow } from 'dflow-ts'
import { launcher, local } from 'dflow-ts/local'
import { LAUNCHER_SCRIPT } from '../../lib/local/launcher.ts'
import { inc } from '../helpers/templates.ts'
import { processesWith, until } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('local: the process launcher')
const tmp = tempDir('launcher')
test.after(tmp.cleanup)

const echo = shell({ name: 'echo-back', inputs: { v: param(t.string) }, outputs: { out: stdout(t.string) }, script: ({ v }) => sh`printf '%s' ${v}` })
const tricky = `it's "quoted" $(not run) \`nor this\` * ~ -x\nsecond line, ünïcödé ✓`

for (const spawner of ['launcher', 'direct'] as const) {
  test(`${spawner}: values reach the step as they are, and a command is looked up in the step's own PATH`, async () => {
    const bin = join(tmp.path, `bin-${spawner}`)
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, 'dflow-test-sh'), '#!/bin/sh\nexec sh "$@"\n')
    chmodSync(join(bin, 'dflow-test-sh'), 0o755)
    const viaTool = shell({ name: 'via-tool', command: ['dflow-test-sh'], outputs: { n: param(t.number, { path: 'n.txt' }) }, script: () => sh`echo 41 > n.txt` })
    const r = await local({ runsDir: tmp.path, spawn: spawner, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }).run(
      workflow(`values-${spawner}`, seq(step('a', echo, { v: tricky }), step('b', viaTool))),
    )
    assert.is(r.status, 'Succeeded', r.message)
    assert.is(r.step('a').outputs.out, tricky)
    assert.is(r.step('b').outputs.n, 41)
  })

  test(`${spawner}: a kept stdout reaches the log as it comes (beside stderr: two streams, as in a pod's log); no file is made for it; a process that left the step's group does not hold the step`, async () => {
    const interleaved = shell({
      name: 'interleaved',
      outputs: { out: stdout(t.string) },
      // the last line: a process of another session keeps the stdout pipe open after the step ends
      script: () => sh`echo one; echo two >&2; printf 'bytes \377 end'; echo; echo three >&2; setsid sleep 5 &`,
    })
    const started = Date.now()
    const r = await local({ runsDir: tmp.path, spawn: spawner }).run(workflow(`interleaved-${spawner}`, step('a', interleaved)))
    assert.is(r.status, 'Succeeded', r.message)
    assert.ok(Date.now() - started < 4000, `the step waited for the process that left it: ${Date.now() - started} ms`)
    assert.is(r.step('a').outputs.out, 'one\nbytes \ufffd end')
    const dir = join(r.dir, 'steps', 'a')
    const lines = readFileSync(join(dir, 'log.txt'), 'latin1').split('\n')
    const isErr = (l: string) => l === 'two' || l === 'three'
    assert.equal([lines.filter((l) => !isErr(l)), lines.filter(isErr)], [['one', 'bytes \xff end', ''], ['two', 'three']])
    assert.equal(readdirSync(dir).sort(), ['log.txt', 'workdir'])
  })

  test(`${spawner}: a lone surrogate reaches the step as U+FFFD (no system string can hold it)`, async () => {
    const r = await local({ runsDir: tmp.path, spawn: spawner }).run(workflow(`surrogate-${spawner}`, step('a', echo, { v: 'a\ud800b' })))
    assert.is(r.status, 'Succeeded', r.message)
    assert.is(r.step('a').outputs.out, 'a\ufffdb')
  })

  test(`${spawner}: a step starts with default signal handling (a broken pipe ends a writer quietly)`, async () => {
    const pipe = shell({ name: 'pipe', script: () => sh`yes | head -n 1` })
    const r = await local({ runsDir: tmp.path, spawn: spawner }).run(workflow(`sigpipe-${spawner}`, step('a', pipe)))
    assert.is(r.status, 'Succeeded', r.message)
    assert.is(r.step('a').log(), 'y\n')
  })
}

test('without a usable python3 (none, or one that cannot start jobs), steps are started directly', async () => {
  const refusing = ['python3', '-c', 'print(\'{"unsupported": "no posix_spawn here"}\')'] as const
  for (const [what, command] of [['none', ['/nonexistent/python3']], ['refusing', refusing]] as const) {
    const runner = local({ runsDir: tmp.path, spawn: launcher([...command]).spawn })
    for (const k of [1, 2]) {
      const r = await runner.run(workflow(`no-python-${what}-${k}`, seq(step('a', inc, { n: k }), step('b', echo, { v: 'ok' }))))
      assert.is(r.status, 'Succeeded', r.message)
      assert.is(r.step('a').outputs.n, k + 1)
      assert.is(r.step('b').outputs.out, 'ok')
    }
  }
})

test('if the launcher dies, its running steps error and are killed, and the next run starts a new one', async () => {
  const marker = `34.${process.pid}5`
  const own = launcher(['python3', LAUNCHER_SCRIPT, `dflow-test-launcher-${marker}`])
  const runner = local({ runsDir: tmp.path, spawn: own.spawn, killGraceSeconds: 1 })
  const slow = shell({ name: 'slow', script: () => sh`sleep ${marker}` })
  const running = runner.run(workflow('launcher-dies', step('a', slow)))
  assert.ok(await until(() => processesWith(`^sleep ${marker}`).length > 0), 'the step started')
  execFileSync('pkill', ['-KILL', '-f', `dflow-test-launcher-${marker}`])
  const r = await running
  assert.is(r.step('a').phase, 'Error')
  assert.match(r.step('a').message ?? '', /process launcher stopped/)
  assert.ok(await until(() => processesWith(marker).length === 0), 'its process was killed')
  const again = await runner.run(workflow('launcher-again', step('a', inc, { n: 1 })))
  assert.is(again.status, 'Succeeded', again.message)
})

test('a driver killed outright (SIGKILL) leaves no step behind: the launcher kills them', async () => {
  const marker = `42.${process.pid}3`
  const runs = join(tmp.path, 'killed')
  const child = spawn(process.execPath, ['bin/dflow.js', 'run', 'test/fixtures/sleepy.ts', '--runs-dir', runs], {
    env: { ...process.env, DFLOW_TEST_MARKER: marker, NO_COLOR: '1' },
    stdio: 'ignore',
  })
  const journal = () => (existsSync(runs) && readdirSync(runs).length ? join(runs, readdirSync(runs)[0]!, 'steps.jsonl') : '')
  const started = () => !!journal() && existsSync(journal()) && readFileSync(journal(), 'utf8').split('\n').filter((l) => l.includes('"phase":"Running"')).length >= 2
  assert.ok(await until(started, 30_000), 'both steps started')
  assert.ok(await until(() => processesWith(`^sleep ${marker}`).length >= 4), 'their processes run')
  child.kill('SIGKILL')
  await new Promise((r) => child.on('exit', r))
  assert.ok(await until(() => processesWith(marker).length === 0), `left behind: ${processesWith(marker).join(' ')}`)
})

test.run()
