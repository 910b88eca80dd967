import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, dflow } from '../helpers/cli.ts'
import { processesWith } from '../helpers/processes.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('cli: dflow run, steps, status')
const tmp = tempDir('cli')
test.after(tmp.cleanup)
/** The run folder started last: by its recorded start (ms), since two runs in one second have names in random order. */
const newestRun = (runsDir: string) => {
  const started = (d: string) => Date.parse((JSON.parse(readFileSync(join(runsDir, d, 'workflow.json'), 'utf8')) as { startedAt: string }).startedAt)
  return join(runsDir, readdirSync(runsDir).sort((a, b) => started(b) - started(a))[0]!)
}

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
  for (let i = 0; i < 600 && !running(); i++) await new Promise((r) => setTimeout(r, 50))
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

test('dflow steps: --phase and --type in any case; an unknown value is an error listing the valid ones', () => {
  const runs = join(tmp.path, 'filters')
  assert.is(dflow('run', 'examples/steps.ts', '--runs-dir', runs, '-q').code, 0)
  const dir = newestRun(runs)
  const ids = (...args: string[]) => {
    const r = dflow('steps', dir, '--json', ...args)
    assert.is(r.code, 0, r.err)
    return JSON.parse(r.out).map((s: { id: string }) => s.id).sort()
  }
  const all = ['hello0', 'hello1', 'hello2', 'hello3']
  assert.equal(ids('--phase', 'succeeded'), all)
  assert.equal(ids('--phase', 'SUCCEEDED', '--type', 'pod'), all)
  assert.equal(ids('--type', 'Pod', '--phase', 'failed'), [])
  for (const [flag, bad, valid] of [['--phase', 'done', 'Succeeded, Failed'], ['--type', 'container', 'Pod, Steps, DAG, StepGroup']] as const) {
    const r = dflow('steps', dir, flag, bad)
    assert.is(r.code, 2, r.out)
    assert.match(r.err, `unknown ${flag.slice(2)} "${bad}"`)
    assert.match(r.err, valid)
  }
})

test('dflow compile --export NAME compiles that export', () => {
  const file = 'test/fixtures/two-workflows.ts'
  const r = dflow('compile', file, '--export', 'second')
  assert.is(r.code, 0, r.err)
  assert.match(r.out, 'generateName: second-')
  const none = dflow('compile', file)
  assert.is(none.code, 1)
  assert.match(none.err, 'choose one with --export NAME')
})

test('dflow run: a missing parameter is shown with the CLI syntax; a non-finite number is refused', () => {
  const runs = join(tmp.path, 'params')
  const missing = dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs)
  assert.is(missing.code, 2)
  assert.match(missing.err, 'parameter "n" has no default and no value was given (hint: -p n=VALUE)')
  assert.not.match(missing.err, 'pass {')
  for (const n of ['1e400', '-1e999']) {
    const r = dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs, '-p', `n=${n}`)
    assert.is(r.code, 2, r.out)
    assert.match(r.err, `expected number, got "${n}" (not a finite number)`)
  }
  assert.not.ok(existsSync(runs), 'nothing ran')
})

test('dflow run -p NAME=@FILE: the file\'s bytes exactly; @@ for a value starting with @; a missing file is named', () => {
  const runs = join(tmp.path, 'at-file')
  const text = '@first line\n\n  spaced\ttab \u00e9\n\n'
  const file = join(tmp.path, 'value.txt')
  writeFileSync(file, text)
  const out = () => readFileSync(join(newestRun(runs), 'steps', 'write', 'workdir', 'out.txt'), 'utf8')
  const r = dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs, '-p', 'n=1', '-p', `text=@${file}`, '-q')
  assert.is(r.code, 0, r.out + r.err)
  assert.is(out(), text)
  assert.is(dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs, '-p', 'n=1', '-p', 'text=@@home', '-q').code, 0)
  assert.is(out(), '@home')
  const binary = join(tmp.path, 'binary.bin')
  writeFileSync(binary, Buffer.from([0x61, 0xff, 0xfe]))
  const b = dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs, '-p', 'n=1', '-p', `text=@${binary}`)
  assert.is(b.code, 2)
  assert.match(b.err, `${binary} is not UTF-8 text`)
  const gone = join(tmp.path, 'no-such-file.txt')
  const m = dflow('run', 'test/fixtures/params.ts', '--runs-dir', runs, '-p', 'n=1', '-p', `text=@${gone}`)
  assert.is(m.code, 2)
  assert.match(m.err, `-p text=@${gone}: cannot read ${gone}`)
  assert.match(m.err, 'ENOENT')
})

test('dflow run -q prints the status line, the failed steps and the run folder — not a line per step', () => {
  const runs = join(tmp.path, 'quiet')
  const r = dflow('run', 'test/fixtures/fanout-failing.ts', '--runs-dir', runs, '-q')
  assert.is(r.code, 1, r.err)
  const lines = r.out.split('\n').filter(Boolean)
  assert.match(lines[0]!, /^fanout-failing Failed in .* Succeeded/)
  assert.ok(lines.some((l) => /✘ call\(7\) +Failed .*exit code 3: call 7 fails/.test(l)), r.out)
  assert.equal(lines.filter((l) => /Succeeded/.test(l) && !/^fanout-failing /.test(l)), [], 'no succeeded step is listed')
  assert.is(lines.at(-1), `run folder: ${newestRun(runs)}`)
  assert.ok(lines.length <= 6, r.out)
  const ok = dflow('run', 'examples/steps.ts', '--runs-dir', runs, '-q')
  assert.is(ok.code, 0)
  assert.equal(ok.out.split('\n').length, 3, ok.out) // two lines, each ended by a newline
})

test.run()
