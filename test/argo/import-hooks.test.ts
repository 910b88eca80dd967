import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { repoRoot } from './support/shared.ts'

/**
 * Argo's lifecycle hooks imported (life-cycle-hooks-tmpl-level.yaml and -wf-level.yaml, whose hooks call http
 * templates, not run here: these run containers): step hooks on the step's status, workflow hooks on
 * workflow.status, spec.hooks.exit as the exit handler.
 */
const tmp = tempDir('argo-import-hooks')
// the steps' marks: outside /tmp, which is each step's own
mkdirSync(join(repoRoot, 'tmp'), { recursive: true })
const dir = mkdtempSync(join(repoRoot, 'tmp', 'import-hooks-'))
test.after(() => (tmp.cleanup(), rmSync(dir, { recursive: true, force: true })))
const mark = { ...echo('mark', `echo {{inputs.parameters.what}} >> ${dir}/{{inputs.parameters.what}}`), inputs: { parameters: [{ name: 'what' }] } }
const markArgs = (what: string) => ({ template: 'mark', arguments: { parameters: [{ name: 'what', value: what }] } })
// step-1 waits until its running hook has written its file: it succeeds only if the hook ran while it ran
const waits = echo('waits', `for i in $(seq 100); do [ -f ${dir}/step-1-running ] && break; sleep 0.05; done; [ -f ${dir}/step-1-running ]`)

test('steps hooks on steps["step-1"].status and a dag task\'s, workflow hooks on workflow.status, hooks.exit: each once, as Argo names them', async () => {
  const doc = wf({
    entrypoint: 'main',
    hooks: {
      exit: { template: 'exit' },
      running: { expression: 'workflow.status == "Running"', template: 'wf-running' },
      failed: { expression: 'workflow.status == "Failed"', template: 'wf-running' },
    },
    templates: [
      {
        name: 'main',
        steps: [
          [{ name: 'step-1', template: 'waits', hooks: { running: { expression: 'steps["step-1"].status == "Running"', ...markArgs('step-1-running') }, success: { expression: 'steps["step-1"].status == "Succeeded"', ...markArgs('step-1-success') } } }],
          [{ name: 'd', template: 'd' }],
        ],
      },
      { name: 'd', dag: { tasks: [{ name: 't', template: 'mark', arguments: { parameters: [{ name: 'what', value: 't' }] }, hooks: { done: { expression: 'tasks.t.status == "Succeeded"', ...markArgs('t-done') } } }] } },
      waits,
      mark,
      { ...echo('exit', `echo exit >> ${dir}/exit`) },
      { ...echo('wf-running', `echo {{workflow.status}} >> ${dir}/wf`) },
    ],
  })
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow)
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message])))
  const read = (f: string) => readFileSync(join(dir, f), 'utf8')
  assert.equal([read('step-1-running'), read('step-1-success'), read('t-done'), read('exit'), read('wf')], ['step-1-running\n', 'step-1-success\n', 't-done\n', 'exit\n', 'Running\n'])
  const ids = r.steps().map((s) => s.id)
  for (const id of ['imp.step-1.hooks.running', 'imp.step-1.hooks.success', 'imp.d.t.hooks.done', 'hooks.running']) assert.ok(ids.includes(id), `${id} in ${ids}`)
  assert.not.ok(ids.includes('hooks.failed'))
})

test("a steps fan-out's hooks run for each child, seeing the child's item (Argo's steps.go), and its exit hook too", async () => {
  // each child waits for its own running hook's file; the child of item b then fails (continued)
  const child = { ...echo('child', `for n in $(seq 100); do [ -f ${dir}/run-{{inputs.parameters.i}} ] && break; sleep 0.05; done; [ -f ${dir}/run-{{inputs.parameters.i}} ] && [ {{inputs.parameters.i}} != b ]`), inputs: { parameters: [{ name: 'i' }] } }
  const on = (expression: string, what: string) => ({ expression, template: 'mark', arguments: { parameters: [{ name: 'what', value: `${what}-{{item}}` }] } })
  const fan = (hooks: Record<string, unknown>) =>
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'first', ...markArgs('first') }], [{ name: 'each', template: 'child', withItems: ['a', 'b', 'c'], continueOn: { failed: true }, arguments: { parameters: [{ name: 'i', value: '{{item}}' }] }, hooks }]] },
        child,
        mark,
      ],
    })
  const doc = fan({ running: on('workflow.status == "Running"', 'run'), after: on('steps.first.status == "Succeeded"', 'after'), exit: { template: 'mark', arguments: { parameters: [{ name: 'what', value: 'exit-{{item}}' }] } } })
  const sub = mkdtempSync(join(dir, 'fan-'))
  const r = await local({ runsDir: tmp.path, parallelism: 8 }).run(importWorkflow(JSON.parse(JSON.stringify(doc).replaceAll(dir, sub))).workflow)
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps().map((s) => [s.id, s.phase, s.message])))
  assert.equal(readdirSync(sub).sort(), ['after-a', 'after-b', 'after-c', 'exit-a', 'exit-b', 'exit-c', 'first', 'run-a', 'run-b', 'run-c'])
  const ids = r.steps().map((s) => s.id)
  for (const id of ['imp.each(0).hooks.running', 'imp.each(1).hooks.after', 'imp.each(2).hooks.running', 'imp.each(0).onExit']) assert.ok(ids.includes(id), `${id} in ${ids}`)
  // Argo sets each child's status as steps['each(0:a)'], never steps.each, and its expression fails on that
  const own = problemsOf(fan({ ok: on('steps.each.status == "Succeeded"', 'ok') })).join('\n')
  assert.match(own, /^spec\.templates\.0\.steps\.1\.0\.hooks\.ok\.expression: .*reads steps\.each\.status: in a hook of a fan-out, Argo's scope names each child's status steps\['each\(INDEX:ITEM\)'\] only/m)
})

test('{{workflow.status}} is Running in the body, as Argo sets it at each pass, and the outcome in the exit handler', async () => {
  const say = echo('say', 'echo {{workflow.status}}')
  const r = await local({ runsDir: tmp.path }).run(importWorkflow(wf({ entrypoint: 'main', onExit: 'say', templates: [{ name: 'main', steps: [[{ name: 'body', template: 'say' }]] }, say] })).workflow)
  assert.is(r.status, 'Succeeded', r.message)
  assert.is(r.step('body').log().trim(), 'Running')
  assert.is(r.step('onExit.onExit').log().trim(), 'Succeeded')
})

test('lifecycle hooks on a dag fan-out are refused, naming the path: Argo gives them no one meaning', () => {
  const doc = wf({ entrypoint: 'main', templates: [{ name: 'main', dag: { tasks: [{ name: 't', ...markArgs('{{item}}'), withItems: ['a'], hooks: { h: { expression: 'tasks.t.status == "Running"', ...markArgs('h') } } }] } }, mark] })
  assert.match(problemsOf(doc).join('\n'), /^spec\.templates\.0\.dag\.tasks\.0\.hooks: lifecycle hooks on a dag task with withItems are not supported locally/m)
})

test('bad hooks name their path: no expression, both onExit and hooks.exit, workflow hook arguments', () => {
  const base = { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'mark', arguments: { parameters: [{ name: 'what', value: 'a' }] }, hooks: { h: { template: 'mark' } } }]] }, mark] }
  assert.ok(problemsOf(wf(base)).some((p) => p.startsWith('spec.templates.0.steps.0.0.hooks.h.expression:')), String(problemsOf(wf(base))))
  const plain = { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', ...markArgs('a') }]] }, mark, echo('bye', 'echo bye')] }
  assert.equal(problemsOf(wf({ ...plain, onExit: 'bye', hooks: { exit: { template: 'bye' } } })), ['spec.hooks.exit: the workflow has both onExit and hooks.exit'])
  assert.equal(problemsOf(wf({ ...plain, hooks: { r: { expression: 'workflow.status == "Running"', ...markArgs('r') } } })), ['spec.hooks.r.arguments: arguments of a workflow-level hook are not supported locally'])
})

test.run()
