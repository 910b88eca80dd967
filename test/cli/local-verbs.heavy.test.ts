import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { listRuns, openRun, type Run } from '../../lib/local/index.ts'
import { BIN, dflowAsync as dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * The run verbs on local run folders (no cluster named): real `dflow` processes, a real run whose steps wait on
 * files the test writes. Heavy: a dozen processes.
 */
const test = suite('dflow run verbs on local run folders')
const tmp = tempDir('local-verbs')
test.after(tmp.cleanup)

const WF = `import { key, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
const a = shell({ name: 'a', image: 'alpine:3.20', inputs: { gates: param(t.string) }, outputs: { n: param(t.number, { path: 'n.txt' }) },
  script: ({ gates }) => sh\`echo a >> \${gates}/a.count; echo "a says hi"; while [ ! -e \${gates}/go ]; do sleep 0.05; done; echo 1 > n.txt\` })
const b = shell({ name: 'b', image: 'alpine:3.20', inputs: { gates: param(t.string) },
  script: ({ gates }) => sh\`echo b >> \${gates}/b.count; while [ -e \${gates}/hold ]; do sleep 0.05; done; [ -e \${gates}/fix ] || { echo "b is broken"; exit 3; }\` })
export default workflow('gated', ({ gates }) => seq(step('a', a, { gates }, { key: key\`a\` }), step('b', b, { gates }, { key: key\`b\` })), { parameters: { gates: param(t.string) } })
`

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const setup = (name: string) => {
  const dir = join(tmp.path, name)
  const gates = join(dir, 'gates')
  const runs = join(dir, 'runs')
  mkdirSync(gates, { recursive: true })
  writeFileSync(join(dir, 'wf.ts'), WF)
  const count = (step: string) => (existsSync(join(gates, `${step}.count`)) ? readFileSync(join(gates, `${step}.count`), 'utf8').split('\n').filter(Boolean).length : 0)
  const start = () => {
    const child = spawn(process.execPath, [BIN, 'run', join(dir, 'wf.ts'), '-p', `gates=${gates}`, '--runs-dir', runs, '-q'], { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '' }, stdio: 'ignore' })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    return { child, exited }
  }
  const runDir = async () => {
    await until('the run folder', () => listRuns(runs).length > 0 && existsSync(join(runs, listRuns(runs)[0]!, 'steps.jsonl')))
    return join(runs, listRuns(runs)[0]!)
  }
  const step = async (d: string, id: string): Promise<string | undefined> => (await openRun(d).catch(() => undefined as Run | undefined))?.steps({ id })[0]?.phase
  return { gates, runs, count, start, runDir, step, go: (f: string) => writeFileSync(join(gates, f), '') }
}

test('suspend holds the next step back until resume; get, watch, logs and list print what they print on Argo', async () => {
  const s = setup('suspend')
  s.go('fix')
  const { exited } = s.start()
  const dir = await s.runDir()
  await until('a running', async () => (await s.step(dir, 'a')) === 'Running')
  const sus = await dflow({}, 'suspend', dir)
  assert.is(sus.code, 0, sus.err)
  assert.match(sus.out, /: suspended$/m)
  s.go('go')
  await until('a done', async () => (await s.step(dir, 'a')) === 'Succeeded')
  await sleep(600)
  assert.is(await s.step(dir, 'b'), undefined, 'b does not start while suspended')
  const held = await dflow({}, 'get', dir, '--json')
  assert.is(held.code, 3)
  const got = JSON.parse(held.out)
  assert.is(got.status, 'Running')
  assert.equal(Object.keys(got), ['name', 'status', 'startedAt', 'dir', 'steps'])
  assert.equal(Object.keys(got.steps[0]).sort(), ['attempts', 'exitCode', 'finishedAt', 'id', 'inputs', 'key', 'name', 'outputs', 'phase', 'startedAt', 'type'].sort())
  assert.is(got.steps[0].outputs.n, 1)
  const watching = dflow({}, 'watch', dir)
  assert.match((await dflow({}, 'resume', dir)).out, /: resumed$/m)
  const watched = await watching
  assert.is(watched.code, 0, watched.err)
  assert.match(watched.out, /✔ b Succeeded/)
  assert.match(watched.out, /^gated Succeeded in .* — 2 Succeeded$/m, watched.out)
  assert.match(watched.out, /run folder: /)
  assert.is(await exited, 0)
  assert.is((await dflow({}, 'logs', dir, 'a')).out, 'a says hi\n')
  assert.is((await dflow({}, 'logs', dir)).out, 'a: a says hi\n')
  const list = JSON.parse((await dflow({}, 'list', '--runs-dir', s.runs, '--json')).out)
  assert.equal(list.map((r: { status: string }) => r.status), ['Succeeded'])
  const get = await dflow({}, 'get', dir)
  assert.match(get.out, /✔ a\s+Succeeded .* n=1/)
  assert.match((await dflow({}, 'delete', dir)).out, /: deleted$/m)
  assert.not.ok(existsSync(dir))
})

test('stop ends a running run (and delete refuses it while it runs); retry reruns only what failed; resubmit reuses the keyed steps that succeeded', async () => {
  const s = setup('retry')
  s.go('go')
  s.go('hold')
  const { exited } = s.start()
  const dir = await s.runDir()
  await until('b running', async () => (await s.step(dir, 'b')) === 'Running')
  const del = await dflow({}, 'delete', dir)
  assert.is(del.code, 2)
  assert.match(del.err, /is still running \(its driver, pid \d+\): stop it first/)
  assert.match((await dflow({}, 'stop', dir)).out, /: stopping$/m)
  assert.is(await exited, 143)
  assert.is((await openRun(dir)).status, 'Failed')
  assert.is((await dflow({}, 'stop', dir)).code, 1)

  // b fails (no fix), then is retried in the run folder: a is kept, b runs again.
  rmSync(join(s.gates, 'hold'))
  const failed = await dflow({}, 'retry', dir, '-q')
  assert.is(failed.code, 1)
  assert.is(s.count('a'), 1)
  s.go('fix')
  const retried = await dflow({}, 'retry', dir, '-q')
  assert.is(retried.code, 0, retried.out + retried.err)
  assert.equal([s.count('a'), s.count('b')], [1, 3], 'a ran once; b three times (stopped, failed, succeeded)')

  const again = await dflow({}, 'resubmit', dir, '-q')
  assert.is(again.code, 0, again.out + again.err)
  assert.is(listRuns(s.runs).length, 2, 'a new run folder')
  assert.equal([s.count('a'), s.count('b')], [1, 3], 'both keyed steps were reused')
})

test.run()
