import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, seq, sh, shell, step, t, validate, workflow } from 'dflow-ts'
import { batchJobs, dispatcher } from 'dflow-ts/dispatcher'
import { local } from 'dflow-ts/local'
import { loadExample } from '../helpers/examples.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { outcomeOf } from '../conformance/outcome.ts'
import { tempDir } from '../helpers/tmp.ts'

// The dispatcher interpreter on the shell batch system (a detached process per job, on this machine): the
// engine with a batch executor gives the same run, run folder and outcome as local().
const test = suite('dispatcher: the interpreter on the shell system')
const tmp = tempDir('dispatcher')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 50, maxMs: 200 }, gatherMs: 5 }

test('a script workflow (steps.ts) runs as shell jobs with the same outcome as locally, each step recording its job', async () => {
  const wf = await loadExample(join(repoRoot, 'examples/steps.ts'))
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf)
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
  const job = run.step('hello3').record.job
  assert.equal(job?.system, 'shell')
  assert.match(job?.id ?? '', /^\d+$/)
  assert.match(job?.name ?? '', /^df[0-9a-f]{13}$/)
  // the run folder is local()'s: the step's log, the template's script, and the job journal beside the records
  assert.ok(readFileSync(join(run.dir, 'scripts', 'duplicate'), 'utf8').length > 0)
  assert.match(readFileSync(join(run.dir, 'jobs.jsonl'), 'utf8'), /"t":"submitted"/)
})

test('a function OP runs as its self-contained bundle with the same outcome as locally', async () => {
  const wf = await loadExample(join(repoRoot, 'examples/fn/python.ts'))
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf)
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(await outcomeOf(run), await outcomeOf(await local({ runsDir: tmp.path }).run(wf)))
  // the job ran the bundle, which imports nothing from this checkout
  const bundle = readFileSync(join(run.dir, 'scripts', 'duplicate.fn.js'), 'utf8')
  assert.not.match(bundle, /require\("dflow-ts|wt-dispatcher|node_modules/)
})

test('a failing step fails with its exit code and the tail of its log', async () => {
  const wf = await loadExample(join(repoRoot, 'examples/argo/exit-code-output-variable.ts'))
  const [a, b] = await Promise.all([dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(wf), local({ runsDir: tmp.path }).run(wf)])
  assert.equal(await outcomeOf(a), await outcomeOf(b))
})


const batched = () => {
  const onShell = shell({ name: 'on-shell', batch: { system: 'shell', env: { GREETING: 'hi' } }, outputs: { out: param(t.string, { path: 'out.txt' }) }, script: () => sh`echo "$GREETING from a job" > out.txt` })
  const here = shell({ name: 'here', inputs: { msg: param(t.string) }, outputs: { out: param(t.string, { path: 'out.txt' }) }, script: ({ msg }) => sh`echo "${msg} and here" > out.txt` })
  const a = step('a', onShell)
  return workflow('batched', seq(a, step('b', here, { msg: a.outputs.out })))
}

test('inside local(): a template with batch settings runs as a job (given batchJobs()), the others as local processes', async () => {
  const run = await local({ runsDir: tmp.path, batch: batchJobs({ politeness: quick }) }).run(batched())
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(run.step('b').outputs.out, 'hi from a job and here')
  assert.equal(run.step('a').record.job?.system, 'shell')
  assert.is(run.step('b').record.job, undefined)
})

test('inside local() without batchJobs(), a batch template errs saying how to run it', async () => {
  const run = await local({ runsDir: tmp.path }).run(batched())
  assert.equal(run.step('a').phase, 'Error')
  assert.match(run.step('a').message ?? '', /asks to run as a shell batch job.*batchJobs\(\)/)
})

test('batch settings are checked: each problem names its field', () => {
  const bad = shell({ name: 'bad', batch: { system: 'torque', walltime: 'soon', nodes: 0, partition: 'a', queue: 'b', colour: 'red' } as never, script: () => sh`true` })
  const paths = validate(workflow('w', step('s', bad))).map((p) => p.path.join('.'))
  for (const f of ['system', 'walltime', 'nodes', 'queue', 'colour']) assert.ok(paths.includes(`templates.bad.batch.${f}`), `${f}: ${paths.join(', ')}`)
})

test('a step\'s batch settings are checked too, naming the step\'s field; a system there is refused, saying where it goes', () => {
  const ok = shell({ name: 'ok', script: () => sh`true` })
  const problems = validate(workflow('w', step('s', ok, {}, { batch: { system: 'slurm', walltime: 'soon', env: { 'A-B': 'x' } } as never })))
  const paths = problems.map((p) => p.path.join('.'))
  for (const f of ['system', 'walltime', 'env.A-B']) assert.ok(paths.includes(`w.s.batch.${f}`), `${f}: ${paths.join(', ')}`)
  assert.match(problems.find((p) => p.path.at(-1) === 'system')?.hint ?? '', /set system on the template/)
})

test('a step\'s batch settings shape its job over the template\'s (env merged, the step\'s winning)', async () => {
  const envT = shell({ name: 'env', batch: { system: 'shell', env: { A: 'template', B: 'template' } }, outputs: { out: param(t.string, { path: 'out.txt' }) }, script: () => sh`echo "$A $B" > out.txt` })
  const run = await dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick }).run(workflow('step-env', seq(step('plain', envT), step('own', envT, {}, { batch: { env: { B: 'step' } } }))))
  assert.equal(run.status, 'Succeeded', run.message)
  assert.equal(run.step('plain').outputs.out, 'template template')
  assert.equal(run.step('own').outputs.out, 'template step')
})


test('a driver started again on the same run id waits for the jobs the journal names instead of submitting them again', async () => {
  const wf = await loadExample(join(repoRoot, 'examples/steps.ts'))
  const d = dispatcher({ batch: 'shell', runsDir: tmp.path, politeness: quick })
  const first = await d.run(wf, { runId: 'reattached-1' })
  const journal = () => readFileSync(join(first.dir, 'jobs.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"intent"')).length
  const intents = journal()
  const again = await d.run(wf, { runId: 'reattached-1' })
  assert.equal(journal(), intents, 'no job was submitted again')
  assert.equal(await outcomeOf(again), await outcomeOf(first))
  assert.equal(again.step('hello3').record.job?.id, first.step('hello3').record.job?.id)
})

test.run()
