import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { dflowIn } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

const tmp = tempDir('argo-import')
test.after(tmp.cleanup)
const run = (doc: unknown, options: Parameters<typeof importWorkflow>[1] = {}, parameters: Record<string, string> = {}) =>
  local({ runsDir: tmp.path }).run(importWorkflow(doc, options).workflow, { parameters })



test('steps, when (govaluate and expr-lang), withItems, outputs and artifacts run with Argo meaning', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'who', value: 'world' }] },
      templates: [
        {
          name: 'main',
          inputs: { parameters: [{ name: 'who' }] },
          steps: [
            [{ name: 'gen', template: 'gen', arguments: { parameters: [{ name: 'who', value: '{{inputs.parameters.who}}' }] } }],
            [
              { name: 'yes', template: 'say', when: '{{steps.gen.outputs.result}} =~ hello && {{steps.gen.outputs.parameters.n}} != three', arguments: { parameters: [{ name: 'm', value: '{{steps.gen.outputs.result}}' }] } },
              { name: 'no', template: 'say', when: "{{= asInt(steps.gen.outputs.parameters.n) < 3 }}", arguments: { parameters: [{ name: 'm', value: 'small' }] } },
              { name: 'each', template: 'say', withItems: ['a', 'b'], arguments: { parameters: [{ name: 'm', value: '{{item}}' }] } },
              { name: 'read', template: 'read', arguments: { artifacts: [{ name: 'f', from: '{{steps.gen.outputs.artifacts.f}}' }] } },
            ],
          ],
        },
        {
          name: 'gen',
          inputs: { parameters: [{ name: 'who' }] },
          outputs: { parameters: [{ name: 'n', valueFrom: { path: '/tmp/n' } }], artifacts: [{ name: 'f', path: '/tmp/out/f.txt' }] },
          script: { image: 'python:3.12', command: ['python'], source: 'open("/tmp/n", "w").write("4")\nimport os; os.makedirs("/tmp/out", exist_ok=True); open("/tmp/out/f.txt", "w").write("file of {{inputs.parameters.who}}")\nprint("hello {{inputs.parameters.who}}")' },
        },
        echo('say', 'echo "{{inputs.parameters.m}}"', { inputs: { parameters: [{ name: 'm' }] } }),
        { name: 'read', inputs: { artifacts: [{ name: 'f', path: '/in/f' }] }, container: { image: 'alpine', command: ['cat', '{{inputs.artifacts.f.path}}'] } },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  const one = (name: string) => r.steps({ name })[0]!
  assert.is(one('gen').outputs.n, '4')
  assert.is(one('yes').phase, 'Succeeded')
  assert.is(printed(one('yes')), 'hello world')
  assert.is(one('no').phase, 'Skipped')
  assert.equal(['each(0)', 'each(1)'].map((n) => printed(r.steps({ name: n })[0]!)), ['a', 'b'])
  assert.is(printed(one('read')), 'file of world')
})

test('an argument mixing text and tags, a containerSet, an init container and a shared volume', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      volumeClaimTemplates: [{ metadata: { name: 'vol' }, spec: {} }],
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'say', template: 'say', withItems: [{ k: 'a', v: 1 }], arguments: { parameters: [{ name: 'm', value: '{{item.k}}={{item.v}}!' }] } }],
            [{ name: 'set', template: 'set' }],
            [{ name: 'read', template: 'read' }],
          ],
        },
        { ...echo('say', 'echo "{{inputs.parameters.m}}"'), inputs: { parameters: [{ name: 'm' }] } },
        {
          name: 'set',
          initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo first > /pod-data/log'] }],
          containerSet: {
            volumeMounts: [{ name: 'vol', mountPath: '/shared' }],
            containers: [
              { name: 'a', image: 'busybox', command: ['sh', '-c', 'echo a >> /pod-data/log'] },
              { name: 'main', image: 'busybox', command: ['sh', '-c', 'echo main >> /pod-data/log; cat /pod-data/log; cp /pod-data/log /shared/log'], dependencies: ['a'] },
            ],
          },
          outputs: { parameters: [{ name: 'log', valueFrom: { path: '/pod-data/log' } }] },
        },
        { name: 'read', container: { image: 'busybox', command: ['cat', '/shared/log'], volumeMounts: [{ name: 'vol', mountPath: '/shared' }] } },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  assert.is(printed(r.steps({ name: 'say(0)' })[0]!), 'a=1!')
  assert.is(printed(r.steps({ name: 'set' })[0]!), 'first\na\nmain')
  assert.is(printed(r.steps({ name: 'read' })[0]!), 'first\na\nmain')
})

test('parallel steps writing the same absolute path do not collide: each has its own /tmp', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[1, 2, 3].map((i) => ({ name: `w${i}`, template: 'w', arguments: { parameters: [{ name: 'v', value: String(i) }] } }))] },
        {
          name: 'w',
          inputs: { parameters: [{ name: 'v' }] },
          outputs: { parameters: [{ name: 'x', valueFrom: { path: '/tmp/x' } }] },
          container: { image: 'busybox', command: ['sh', '-c', 'echo {{inputs.parameters.v}} > /tmp/x; sleep 0.3; cat /tmp/x'] },
        },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  assert.equal([1, 2, 3].map((i) => r.steps({ name: `w${i}` })[0]!.outputs.x), ['1', '2', '3'])
})

test('a dag with enhanced depends, a failing task continued by depends, and retries', async () => {
  const r = await run(
    wf({
      entrypoint: 'd',
      templates: [
        {
          name: 'd',
          dag: {
            tasks: [
              { name: 'A', template: 'ok' },
              { name: 'B', template: 'bad', depends: 'A' },
              { name: 'C', template: 'ok', depends: 'B.Failed' },
              { name: 'D', template: 'ok', depends: 'B.Succeeded' },
            ],
          },
        },
        echo('ok', 'echo ok'),
        echo('bad', 'exit 3', { retryStrategy: { limit: 1 } }),
      ],
    }),
  )
  assert.is(r.status, 'Failed')
  const phase = (n: string) => r.steps({ name: n })[0]!.phase
  assert.equal(['A', 'B', 'C', 'D'].map(phase), ['Succeeded', 'Failed', 'Succeeded', 'Omitted'])
  assert.is(r.steps({ name: 'B' })[0]!.attempts.length, 2)
})

test('sleeps are scaled by timeScale (a 300 s sleep ends at once with 0.001)', async () => {
  const imp = importWorkflow(wf({ entrypoint: 's', activeDeadlineSeconds: 600, templates: [echo('s', 'sleep 300; echo slept')] }), { timeScale: 0.001 })
  assert.is(imp.deadlineSeconds, 0.6)
  const r = await local({ runsDir: tmp.path }).run(imp.workflow)
  assert.is(r.status, 'Succeeded')
})

test('a document that is not a Workflow is refused', () => {
  assert.equal(problemsOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} }), [': the manifest is not a Workflow (kind "ConfigMap")'])
  assert.equal(problemsOf('just: [text'), problemsOf('just: [text')) // YAML errors are problems, not exceptions
  assert.ok(problemsOf('just: [text')[0]!.startsWith('manifest.line'))
})

test('a templateRef that does not resolve names its path', () => {
  const doc = wf({ entrypoint: 'm', templates: [{ name: 'm', steps: [[{ name: 'a', templateRef: { name: 'lib', template: 'x' } }]] }] })
  assert.equal(problemsOf(doc), ['spec.templates.0.steps.0.0.templateRef: no WorkflowTemplate named "lib"'])
  const lib = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'lib' }, spec: { templates: [echo('y', 'echo y')] } }
  assert.equal(problemsOf(doc, { templates: [lib] }), ['spec.templates.0.steps.0.0.templateRef.template: no template "x" in WorkflowTemplate "lib"'])
})

test('an expression that does not parse names its path', () => {
  const doc = wf({ entrypoint: 'm', templates: [{ name: 'm', steps: [[{ name: 'a', template: 'e', when: '{{= 1 + }}' }]] }, echo('e', 'echo')] })
  const ps = problemsOf(doc)
  assert.is(ps.length, 1)
  assert.match(ps[0]!, /^spec\.templates\.0\.steps\.0\.0\.when: the expression "1 \+" does not parse/)
})

test('an unsupported feature, an unknown field and an unknown tag are errors naming the path; fields without a local meaning are warnings', () => {
  const failFast = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), failFast: true }] })
  assert.equal(problemsOf(failFast), ['spec.templates.0.failFast: the field "failFast" is not supported by the local importer'])
  const side = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), sidecars: [{ name: 's', image: 'redis' }] }] })
  assert.equal(problemsOf(side), ['spec.templates.0.sidecars.0.command: no command, and what the image "redis" runs is not known here'])
  const typo = wf({ entrypoint: 'e', templates: [{ name: 'e', container: { image: 'busybox', comand: ['echo'] } }] })
  assert.equal(problemsOf(typo), ['spec.templates.0.container.comand: the field "comand" is not supported by the local importer'])
  const tag = wf({ entrypoint: 'e', templates: [echo('e', 'echo {{workflow.nope}}')] })
  assert.match(problemsOf(tag)[0]!, /^spec\.templates\.0\.container: unknown or unsupported tag \{\{workflow\.nope\}\}/)
  const warned = importWorkflow(wf({ entrypoint: 'e', podGC: { strategy: 'OnPodCompletion' }, serviceAccountName: 'x', templates: [echo('e', 'echo')] }))
  assert.equal(warned.warnings, ['spec.podGC: podGC has no local meaning: accepted and not used', "spec.serviceAccountName: serviceAccountName runs no pod here: accepted, and read only as {{workflow.serviceAccountName}} (the workflow's)"])
})

test('a mis-indented document is refused with the path of what landed at the wrong level, never run', () => {
  const head = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: x-\nspec:\n  entrypoint: main\n  templates:\n'
  const leaf = '  - name: b\n    container:\n      image: busybox\n      command: [echo, hi]\n'
  // a parameter's `value` one level out lands in `inputs`; a `steps:` whose items moved out is empty
  const valueOut = head + '  - name: main\n    inputs:\n      parameters:\n      - name: m\n      value: 1\n    container:\n      image: busybox\n      command: [echo]\n'
  assert.equal(problemsOf(valueOut), ['spec.templates.0.inputs: must NOT have additional properties (value) [schema: additionalProperties]'])
  const stepsEmpty = head + '  - name: main\n    steps:\n' + leaf
  assert.equal(problemsOf(stepsEmpty), ['spec.templates.0.steps: must be array [schema: type]'])
  // what the importer's own checks see first keeps their message
  assert.equal(problemsOf(head + '  - name: main\n  container:\n    image: busybox\n'), ['spec.container: the field "container" is not supported by the local importer'])
})

test('dflow run FILE.yaml runs an Argo workflow with -p, --template and --configmap', () => {
  const dir = tmp.path
  writeFileSync(
    join(dir, 'wf.yaml'),
    `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: cli- }
spec:
  entrypoint: main
  arguments:
    parameters:
    - name: msg
      value: unset
    - name: from-cm
      valueFrom: { configMapKeyRef: { name: cm, key: k } }
  templates:
  - name: main
    steps:
    - - name: hi
        templateRef: { name: lib, template: say }
        arguments: { parameters: [{ name: m, value: "{{workflow.parameters.msg}}" }] }
      - name: cm
        templateRef: { name: lib, template: say }
        arguments: { parameters: [{ name: m, value: "{{workflow.parameters.from-cm}}" }] }
`,
  )
  writeFileSync(
    join(dir, 'lib.yaml'),
    `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: lib }
spec:
  templates:
  - name: say
    inputs: { parameters: [{ name: m }] }
    container: { image: busybox, command: [echo, "said {{inputs.parameters.m}}"] }
`,
  )
  writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { k: from-the-map }\n')
  const r = dflowIn(dir, 'run', 'wf.yaml', '-p', 'msg=hello', '--template', 'lib.yaml', '--configmap', 'cm.yaml', '--runs-dir', 'runs')
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /Succeeded/)
  const missing = dflowIn(dir, 'run', 'wf.yaml', '--configmap', 'cm.yaml', '--runs-dir', 'runs')
  assert.is(missing.code, 2)
  assert.match(missing.err, /wf\.yaml\.spec\.templates\.0\.steps\.0\.0\.templateRef: no WorkflowTemplate named "lib"/)
})

test.run()
