import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError, dag, expr, forEach, param, seq, sh, shell, status, step, t, workflow, workflowStatus } from 'dflow-ts'
import { compile, importWorkflow, schemaProblems } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'

/** Lifecycle hooks (Argo's `hooks` but `exit`): at most once each, beside their step, as their condition holds. */
const test = suite('local: lifecycle hooks')
const tmp = tempDir('lifecycle-hooks')
test.after(tmp.cleanup)
const sub = (name: string) => {
  const d = join(tmp.path, name)
  mkdirSync(d, { recursive: true })
  return d
}

// `work` waits for the file its running hook writes: it ends only if the hook ran while it was running
const work = shell({ name: 'work', inputs: { dir: param(t.string) }, outputs: { n: param(t.string, { path: 'n.txt' }) }, script: ({ dir }) => sh`for i in $(seq 100); do [ -f ${dir}/running ] && break; sleep 0.05; done; [ -f ${dir}/running ] && echo 7 > n.txt` })
const mark = shell({ name: 'mark', inputs: { dir: param(t.string), what: param(t.string) }, script: ({ dir, what }) => sh`echo ${what} >> ${dir}/${what}` })
const fails = shell({ name: 'fails', script: () => sh`exit 3` })

test('a running hook starts while its step runs, a succeeded hook after it, each once; a false one never; dependents wait for them', async () => {
  const dir = sub('step')
  const w = step('w', work, { dir }, {
    hooks: () => ({
      running: { when: expr`${status({ name: 'w' })} == "Running"`, run: step('r', mark, { dir, what: 'running' }) },
      done: { when: expr`${status({ name: 'w' })} == "Succeeded"`, run: step('d', mark, { dir, what: 'done' }) },
      failed: { when: expr`${status({ name: 'w' })} == "Failed"`, run: step('f', mark, { dir, what: 'failed' }) },
    }),
  })
  const after = step('after', mark, { dir, what: 'after' })
  const r = await local({ runsDir: tmp.path }).run(workflow('hooks', seq(w, after)))
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('w').outputs.n, '7')
  assert.equal(readFileSync(join(dir, 'running'), 'utf8'), 'running\n')
  assert.equal(readFileSync(join(dir, 'done'), 'utf8'), 'done\n')
  assert.is(r.step({ id: 'w.hooks.running' }).phase, 'Succeeded')
  assert.is(r.step({ id: 'w.hooks.done' }).name, 'w.hooks.done')
  assert.is(r.steps({ name: 'w.hooks.failed' }).length, 0)
  // the step after w started once w's hooks had ended
  assert.ok(Date.parse(r.step('after').record.startedAt!) >= Date.parse(r.step({ id: 'w.hooks.done' }).record.finishedAt!))
})

test("a hook that ends Failed is ignored; one that cannot run (Error) fails the step's parent, continueOn or not", async () => {
  const ignored = await local({ runsDir: tmp.path }).run(
    workflow('hook-failed', step('a', mark, { dir: sub('f'), what: 'a' }, { hooks: { after: { when: expr`${status({ name: 'a' })} == "Succeeded"`, run: step('x', fails) } } })),
  )
  assert.is(ignored.status, 'Succeeded', ignored.message)
  assert.is(ignored.step({ id: 'a.hooks.after' }).phase, 'Failed')
  // an argument that cannot be had while the step runs: its output is not there yet
  const errs = await local({ runsDir: tmp.path }).run(
    workflow('hook-error', step('a', work, { dir: sub('e') }, { continueOn: { failed: true }, hooks: (out) => ({ running: { when: expr`${status({ name: 'a' })} == "Running"`, run: step('m', mark, { dir: out.n, what: 'x' }) } }) })),
  )
  assert.is(errs.status, 'Failed')
  assert.is(errs.step({ id: 'a.hooks.running' }).phase, 'Error')
  assert.match(errs.message!, /hook running errored/)
})

test('workflow hooks: one on workflow.status Running at the start, one on the outcome at the end, before the exit handler', async () => {
  const dir = sub('wf')
  const r = await local({ runsDir: tmp.path }).run(
    workflow('wf-hooks', step('w', work, { dir }), {
      hooks: {
        running: { when: expr`${workflowStatus} == "Running"`, run: step('r', mark, { dir, what: 'running' }) },
        ok: { when: expr`${workflowStatus} == "Succeeded"`, run: step('o', mark, { dir, what: 'ok' }) },
        bad: { when: expr`${workflowStatus} == "Failed"`, run: step('b', mark, { dir, what: 'bad' }) },
      },
      onExit: step('exit', mark, { dir, what: 'exit' }),
    }),
  )
  assert.is(r.status, 'Succeeded', r.message)
  assert.equal(['running', 'ok'].map((f) => readFileSync(join(dir, f), 'utf8')), ['running\n', 'ok\n'])
  assert.is(r.steps({ name: 'hooks.bad' }).length, 0)
  assert.ok(Date.parse(r.step('exit').record.startedAt!) >= Date.parse(r.step({ id: 'hooks.ok' }).record.finishedAt!))
})

test('compiled: a step\'s hooks with their expression (steps and dag), the workflow\'s in spec.hooks; valid for Argo\'s schema; imported back, the same hooks', () => {
  const h = (n: string) => ({ when: expr`${status({ name: n })} == "Running"`, run: step('m', mark, { dir: '/x', what: n }) })
  const wf = workflow('hooks-compiled', seq(step('a', mark, { dir: '/x', what: 'a' }, { hooks: { running: h('a') } }), dag(step('b', mark, { dir: '/x', what: 'b' }, { hooks: { started: h('b') } }))), {
    hooks: { going: { when: expr`${workflowStatus} == "Running"`, run: step('g', mark, { dir: '/x', what: 'g' }) } },
  })
  const m = compile(wf) as unknown as { spec: { hooks: Record<string, { expression: string }>; templates: { steps?: { hooks?: Record<string, { expression: string }> }[][]; dag?: { tasks: { hooks?: Record<string, { expression: string }> }[] } }[] } }
  assert.equal(schemaProblems(m, 'v4.1'), [])
  assert.equal(m.spec.hooks.going!.expression, "workflow.status == 'Running'")
  const steps = m.spec.templates.flatMap((t) => t.steps?.flat() ?? [])
  const tasks = m.spec.templates.flatMap((t) => t.dag?.tasks ?? [])
  assert.equal(steps.flatMap((s) => Object.entries(s.hooks ?? {}).map(([k, v]) => [k, v.expression])), [['running', "steps['a'].status == 'Running'"]])
  assert.equal(tasks.flatMap((s) => Object.entries(s.hooks ?? {}).map(([k, v]) => [k, v.expression])), [['started', "tasks['b'].status == 'Running'"]])
  const back = importWorkflow(m).workflow
  assert.is(back.hooks?.map((x) => x.name).join(), 'going')
})

test("a forEach step's hooks run for each call, each seeing the call's own status and item; compiled to Argo, refused", async () => {
  const dir = sub('fan')
  // each call waits for its own running hook's file: it ends only if that hook ran while the call was running
  const waits = shell({ name: 'waits', inputs: { dir: param(t.string), i: param(t.string) }, script: ({ dir, i }) => sh`for n in $(seq 100); do [ -f ${dir}/run-${i} ] && break; sleep 0.05; done; [ -f ${dir}/run-${i} ] && [ ${i} != b ]` })
  const fan = forEach(['a', 'b', 'c'], (i) =>
    step('each', waits, { dir, i }, {
      continueOn: { failed: true },
      hooks: {
        running: { when: expr`${status({ name: 'each' })} == "Running"`, run: step('r', mark, { dir, what: expr`"run-" + ${i}` }) },
        ok: { when: expr`${status({ name: 'each' })} == "Succeeded"`, run: step('o', mark, { dir, what: expr`"ok-" + ${i}` }) },
        bad: { when: expr`${status({ name: 'each' })} == "Failed"`, run: step('b', mark, { dir, what: expr`"bad-" + ${i}` }) },
      },
    }),
  )
  // slots for the three calls and their running hooks at once (a call waits for its hook, which takes a slot too)
  const r = await local({ runsDir: tmp.path, parallelism: 8 }).run(workflow('hook-fan-local', fan))
  assert.is(r.status, 'Succeeded', r.message)
  const marks = readdirSync(dir).sort()
  assert.equal(marks, ["bad-b", "ok-a", "ok-c", "run-a", "run-b", "run-c"])
  assert.is(r.step({ id: 'each(1).hooks.bad' }).phase, 'Succeeded')
  assert.is(r.step({ id: 'each(0).hooks.running' }).name, 'each(0).hooks.running')
  assert.throws(() => compile(workflow('hook-fan-argo', fan)), (e: unknown) => e instanceof DflowError && e.problems.some((p) => p.path.join('.') === 'hook-fan-argo.each.hooks' && /not supported by this interpreter/.test(p.message)))
})

test('bad hooks are refused with their path: the name exit, a forEach step, a condition on a step that has not run', () => {
  const h = { when: expr`${status({ name: 'a' })} == "Running"`, run: step('m', mark, { dir: '/tmp', what: 'x' }) }
  assert.throws(() => step('a', mark, { dir: '/tmp', what: 'a' }, { hooks: { exit: h } }), (e: unknown) => e instanceof DflowError && /a\.hooks\.exit|hooks.*exit/.test(JSON.stringify(e.problems)))
  const later = workflow('hook-later', step('a', mark, { dir: '/tmp', what: 'a' }, { hooks: { x: { when: expr`${status({ name: 'b' })} == "Running"`, run: step('m', mark, { dir: '/tmp', what: 'x' }) } } }))
  assert.throws(() => compile(later), (e: unknown) => e instanceof DflowError && e.problems.some((p) => p.path.join('.') === 'hook-later.a.hooks.x.when' && p.message.includes('"b"')))
  const fan = workflow('hook-fan', forEach(['1'], () => step('a', mark, { dir: '/tmp', what: 'a' }, { hooks: { x: h } })))
  assert.throws(() => compile(fan), (e: unknown) => e instanceof DflowError && e.problems.some((p) => p.message.includes('forEach')))
})

test.run()
