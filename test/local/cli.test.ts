import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { processesWith } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('cli: dflow run, steps, status')
const tmp = tempDir('cli')
test.after(tmp.cleanup)
const BIN = resolve('bin/dflow.js')

const dflow = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const newestRun = (runsDir: string) => join(runsDir, readdirSync(runsDir).sort().reverse()[0]!)

test('--help on every command', () => {
  for (const args of [['--help'], ['run', '--help'], ['steps', '--help'], ['status', '--help']]) {
    const r = dflow(...args)
    assert.is(r.code, 0, `${args}: ${r.err}`)
    assert.match(r.out, /Usage: dflow/)
  }
  assert.is(dflow('frobnicate').code, 2)
})

test('dflow run: live progress, a summary with decoded outputs, exit 0; steps and status read the folder', () => {
  const runs = join(tmp.path, 'ok')
  const r = dflow('run', 'examples/steps.ts', '--runs-dir', runs)
  assert.is(r.code, 0, r.err)
  assert.match(r.out, /▶ hello3 Running/)
  assert.match(r.out, /steps Succeeded in .* 4 Succeeded/)
  assert.match(r.out, /hello3 +Succeeded .* msg=4 /)
  const dir = newestRun(runs)
  const st = dflow('status', dir)
  assert.is(st.code, 0)
  assert.match(st.out, /steps Succeeded/)
  const js = JSON.parse(dflow('steps', dir, '--name', '/^hello[23]$/', '--json').out)
  assert.equal(js.map((s: { id: string }) => s.id).sort(), ['hello2', 'hello3'])
})

test('dflow run: a failing workflow exits 1 and says which step failed and why', () => {
  const r = dflow('run', 'test/fixtures/failing.ts', '--runs-dir', join(tmp.path, 'fail'))
  assert.is(r.code, 1)
  assert.match(r.out, /step second failed: exit code 4: something went wrong/)
  assert.is(dflow('status', newestRun(join(tmp.path, 'fail'))).code, 1)
  assert.match(dflow('steps', newestRun(join(tmp.path, 'fail')), '--phase', 'Failed').out, /second/)
})

test('dflow run: an invalid workflow exits 2 listing every problem', () => {
  const r = dflow('run', 'test/fixtures/invalid.ts', '--runs-dir', join(tmp.path, 'invalid'))
  assert.is(r.code, 2)
  assert.match(r.err, /workflow name "Not_Valid"/)
  assert.match(r.err, /step "a" is not upstream/)
})

test('SIGTERM stops the whole tree: no process is left behind', async () => {
  const marker = `41.${process.pid}9`
  const runs = join(tmp.path, 'term')
  const child = spawn(process.execPath, [BIN, 'run', 'test/fixtures/sleepy.ts', '--runs-dir', runs], {
    env: { ...process.env, DFLOW_TEST_MARKER: marker, NO_COLOR: '1' },
    stdio: 'ignore',
  })
  const running = () => {
    const journal = existsSync(runs) && readdirSync(runs).length > 0 ? join(newestRun(runs), 'steps.jsonl') : ''
    if (!journal || !existsSync(journal)) return false
    const phases = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    return ['a', 'b'].every((s) => phases.some((p) => p.id === s && p.phase === 'Running'))
  }
  for (let i = 0; i < 200 && !running(); i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(running(), 'both steps started')
  await new Promise((r) => setTimeout(r, 200))
  const launcher = execFileSync('pgrep', ['-P', String(child.pid), '-f', 'launcher.py'], { encoding: 'utf8' }).trim()
  assert.ok(/^\d+$/.test(launcher), 'the CLI started its steps through one launcher')
  child.kill('SIGTERM')
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
  assert.is(code, 143)
  const gone = () => {
    try {
      process.kill(Number(launcher), 0)
      return false
    } catch {
      return true
    }
  }
  for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(gone(), 'the launcher ended with the CLI')
  assert.equal(processesWith(marker), [])
  const wf = JSON.parse(readFileSync(join(newestRun(runs), 'workflow.json'), 'utf8'))
  assert.is(wf.status, 'Failed')
  assert.match(wf.message, /terminated by SIGTERM/)
})

test('dflow run shows a running step\'s progress and its attempt number; dflow steps how many attempts it took', () => {
  const runs = join(tmp.path, 'progress')
  const r = dflow('run', 'test/fixtures/progressing.ts', '--runs-dir', runs)
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /▶ p Running progress 2\/5/)
  assert.match(r.out, /\(attempt 2\)/)
  assert.match(dflow('steps', newestRun(runs)).out, /p +Succeeded .*\(2 attempts\)/)
})

test.run()
