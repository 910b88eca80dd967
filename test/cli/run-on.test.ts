import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dflow } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

// `dflow run --on SYSTEM`: the same run on the dispatcher, its steps listed with their jobs.
const test = suite('cli: dflow run --on, dflow steps with jobs')
const tmp = tempDir('cli-on')
test.after(tmp.cleanup)

test('dflow run --on shell runs every step as a job; dflow steps shows each job id and scheduler state', () => {
  const runs = join(tmp.path, 'runs')
  const r = dflow('run', 'examples/steps.ts', '--on', 'shell', '--runs-dir', runs, '-q')
  assert.equal(r.code, 0, r.err + r.out)
  const dir = join(runs, readdirSync(runs)[0]!)
  const steps = dflow('steps', dir)
  assert.equal(steps.code, 0, steps.err)
  for (const id of ['hello0', 'hello1', 'hello2', 'hello3']) assert.match(steps.out, new RegExp(`${id}\\s+Succeeded .*\\[shell \\d+( \\S+)?\\] msg=`))
})

test('dflow run --on shell takes --store and -a: the workflow artifact is staged, outputs are committed to the store', () => {
  const runs = join(tmp.path, 'runs-store')
  const store = join(tmp.path, 'store')
  const data = join(tmp.path, 'data.txt')
  writeFileSync(data, 'one\ntwo\nthree\n')
  const r = dflow('run', 'examples/artifacts/workflow-artifacts.ts', '--on', 'shell', '--runs-dir', runs, '--store', `file://${store}`, '-a', `data=${data}`, '-q')
  assert.equal(r.code, 0, r.err + r.out)
  const dir = join(runs, readdirSync(runs)[0]!)
  assert.equal(readFileSync(join(store, basename(dir), 'count', 'report', 'content', 'head.txt'), 'utf8'), 'one\ntwo\nthree\n')
  const steps = dflow('steps', dir)
  assert.match(steps.out, /show\s+Succeeded/)
})

test('usage errors name the option: an unknown system, --ssh without --remote-root, --partition with --queue, --ssh-key without --ssh', () => {
  const cases: [string[], RegExp][] = [
    [['--on', 'torque'], /--on takes one of slurm, sge, pbs, lsf, shell, got "torque"/],
    [['--on', 'slurm', '--ssh', 'me@login'], /--ssh needs --remote-root DIR/],
    [['--on', 'slurm', '--partition', 'a', '--queue', 'b'], /--partition and --queue are one setting/],
    [['--on', 'slurm', '--ssh-key', '/k'], /--ssh-key needs --ssh/],
    [['--partition', 'a'], /--partition needs --on SYSTEM/],
  ]
  for (const [args, message] of cases) {
    const r = dflow('run', 'examples/steps.ts', ...args)
    assert.equal(r.code, 2, args.join(' '))
    assert.match(r.err, message)
  }
})

test.run()
