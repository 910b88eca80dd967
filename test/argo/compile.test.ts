import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, ctx, dag, DflowError, localArtifact, par, param, py, script, seq, sh, shell, step, subflow, t, workflow, type Problem } from 'dflow-ts'
import { compile, toYaml, type ArgoTemplate } from 'dflow-ts/argo'
import { compileChecked, templateNamed } from './support/checked.ts'

const problemsOf = (f: () => unknown): readonly Problem[] => {
  try {
    f()
  } catch (e) {
    if (e instanceof DflowError) return e.problems
    throw e
  }
  assert.unreachable('expected a DflowError')
  return []
}

const envOf = (tpl: ArgoTemplate) => Object.fromEntries((tpl.script?.env ?? []).map((e) => [e.name, e.value]))

const gen = shell({
  name: 'gen',
  image: 'alpine:3.20',
  outputs: { n: param(t.number, { path: 'n.txt' }), out: artifact({ path: 'out' }) },
  script: () => sh`echo 1 > n.txt; mkdir out`,
})
const inc = shell({
  name: 'inc',
  image: 'alpine:3.20',
  inputs: { n: param(t.number), data: artifact({ optional: true }) },
  outputs: { n: param(t.number) },
  script: ({ n }, out) => sh`echo $((${n} + 1)) > ${out.n}`,
})

const scripts = suite('script templates')

scripts('each hole becomes an env entry bound to its value in the pod', () => {
  const tpl = shell({
    name: 'holes',
    image: 'alpine:3.20',
    inputs: { msg: param(t.string), here: artifact({ path: 'in/data.txt' }), there: artifact() },
    outputs: { rel: param(t.string, { path: 'r.txt' }), abs: artifact({ path: '/tmp/a' }), dflt: param(t.number) },
    script: (i, o) => sh`echo ${i.msg} ${i.here} ${i.there} ${'a b'} ${3} ${ctx.workflowName} ${ctx.stepName} > ${o.rel}; cp x ${o.abs}; echo 1 > ${o.dflt}`,
  })
  const g = step('g', gen)
  const m = compileChecked(workflow('holes', seq(g, step('a', tpl, { msg: 'hi', here: g.outputs.out, there: g.outputs.out }))))
  const h = templateNamed(m, 'holes')
  assert.equal(envOf(h), {
    dflow_in_msg: '{{inputs.parameters.msg}}',
    dflow_art_here: '/tmp/workdir/in/data.txt',
    dflow_art_there: '/tmp/inputs/artifacts/there',
    dflow_lit_3: 'a b',
    dflow_lit_4: '3',
    dflow_workflow_name: '{{workflow.name}}',
    dflow_step_name: '{{pod.name}}',
    dflow_out_rel: '/tmp/workdir/r.txt',
    dflow_out_abs: '/tmp/a',
    dflow_out_dflt: '/tmp/dflow-param-dflt',
  })
  assert.is(h.script?.workingDir, '/tmp/workdir')
  assert.ok(h.script?.source.includes('"${dflow_in_msg}"'))
  assert.equal(h.inputs?.artifacts, [
    { name: 'here', path: '/tmp/workdir/in/data.txt' },
    { name: 'there', path: '/tmp/inputs/artifacts/there' },
  ])
  assert.equal(h.outputs?.parameters, [
    { name: 'rel', valueFrom: { path: '/tmp/workdir/r.txt' }, description: '{"type":"string"}' },
    { name: 'dflt', valueFrom: { path: '/tmp/dflow-param-dflt' }, description: '{"type":"number"}' },
  ])
})

scripts('a workflow parameter used in a script reads {{workflow.parameters.NAME}}', () => {
  const m = compileChecked(
    workflow('wfp', ({ who }) => step('a', shell({ name: 'greet', image: 'busybox', script: () => sh`echo ${who}` })), { parameters: { who: param(t.string, { default: 'me' }) } }),
  )
  assert.is(envOf(templateNamed(m, 'greet'))['dflow_wf_who'], '{{workflow.parameters.who}}')
})

scripts('literal {{ in script text, in a literal hole or in an argument is rejected', () => {
  const text = shell({ name: 'braces', image: 'busybox', script: () => sh`echo {{x}}` })
  const ps = problemsOf(() => compile(workflow('b1', step('a', text))))
  assert.is(ps.length, 1)
  assert.equal(ps[0]!.path, ['templates', 'braces', 'script'])
  assert.match(ps[0]!.message, 'literal "{{" would be read by Argo as a tag')
  const hole = shell({ name: 'hole', image: 'busybox', script: () => sh`echo ${'{{x}}'}` })
  assert.equal(problemsOf(() => compile(workflow('b2', step('a', hole))))[0]!.path, ['templates', 'hole', 'script', 'dflow_lit_0'])
  const echo = shell({ name: 'echo', image: 'busybox', inputs: { m: param(t.string) }, script: ({ m }) => sh`echo ${m}` })
  assert.equal(problemsOf(() => compile(workflow('b3', step('a', echo, { m: 'a {{b}}' }))))[0]!.path, ['b3', 'a', 'args', 'm'])
})

scripts('parameters travel as strings; defaults are encoded with their codec', () => {
  const tpl = shell({
    name: 'typed',
    image: 'busybox',
    inputs: { n: param(t.number, { default: 5 }), xs: param(t.array(t.number), { default: [1, 2] }), b: param(t.boolean, { description: 'a flag' }) },
    script: ({ n, xs, b }) => sh`echo ${n} ${xs} ${b}`,
  })
  const m = compileChecked(workflow('typed', step('a', tpl, { b: true, xs: [3] })))
  assert.equal(templateNamed(m, 'typed').inputs?.parameters, [
    { name: 'n', default: '5', description: '{"type":"number"}' },
    { name: 'xs', default: '[1,2]', description: '{"type":"Array<number>"}' },
    { name: 'b', description: '{"type":"boolean","description":"a flag"}' },
  ])
  assert.equal(m.spec.templates[0]!.steps?.[0]?.[0]?.arguments?.parameters, [
    { name: 'xs', value: '[3]' },
    { name: 'b', value: 'true' },
  ])
})

scripts('output parameters with a default carry it in valueFrom', () => {
  const tpl = shell({ name: 'maybe', image: 'busybox', outputs: { r: param(t.string, { path: '/tmp/r', default: 'none' }) }, script: () => sh`true` })
  assert.equal(templateNamed(compileChecked(workflow('maybe', step('a', tpl))), 'maybe').outputs?.parameters, [
    { name: 'r', valueFrom: { path: '/tmp/r', default: 'none' }, description: '{"type":"string"}' },
  ])
})

scripts('container options a cluster needs are passed through; volumes go to the workflow', () => {
  const tpl = shell({
    name: 'train',
    image: 'pytorch:2',
    imagePullPolicy: 'IfNotPresent',
    env: { OMP_NUM_THREADS: '4' },
    resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { 'nvidia.com/gpu': '1', memory: '8Gi' } },
    nodeSelector: { pool: 'gpu' },
    tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    mounts: [{ name: 'data', mountPath: '/data' }],
    serviceAccount: 'trainer',
    labels: { team: 'ml' },
    annotations: { note: 'x' },
    script: () => sh`python train.py`,
  })
  const m = compileChecked(workflow('train', step('a', tpl)))
  const x = templateNamed(m, 'train')
  assert.equal(x.script?.resources, { requests: { cpu: '2', memory: '4Gi' }, limits: { 'nvidia.com/gpu': '1', memory: '8Gi' } })
  assert.is(x.script?.imagePullPolicy, 'IfNotPresent')
  assert.equal(x.script?.env, [{ name: 'OMP_NUM_THREADS', value: '4' }])
  assert.equal(x.script?.volumeMounts, [{ name: 'data', mountPath: '/data' }])
  assert.equal(x.nodeSelector, { pool: 'gpu' })
  assert.is((x.tolerations as unknown[]).length, 1)
  assert.ok(x.affinity)
  assert.is(x.serviceAccountName, 'trainer')
  assert.equal(x.metadata, { labels: { team: 'ml' }, annotations: { note: 'x' } })
  assert.equal(m.spec.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }])
})

scripts('two templates defining one volume name differently is a problem', () => {
  const v = (claimName: string, name: string) => shell({ name, image: 'busybox', volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }], script: () => sh`true` })
  const ps = problemsOf(() => compile(workflow('vols', seq(step('a', v('one', 'va')), step('b', v('two', 'vb'))))))
  assert.match(ps[0]!.message, 'volume "data" is defined differently')
})

scripts('python scripts get python3 and the default Python image', () => {
  const tpl = script({ name: 'pyt', inputs: { n: param(t.number) }, source: ({ n }) => py`print(int(${n}) * 2)` })
  const x = templateNamed(compileChecked(workflow('pyt', step('a', tpl, { n: 2 }))), 'pyt')
  assert.equal(x.script?.command, ['python3'])
  assert.is(x.script?.image, 'python:3.12-alpine')
  assert.ok(x.script?.source.includes('__import__("os").environ["dflow_in_n"]'))
})

scripts('the executor hook rewrites every script template', () => {
  const m = compileChecked(workflow('hooked', seq(step('g', gen), step('i', inc, { n: 1 }))), {
    executor: { render: (tpl, source) => ({ ...tpl, metadata: { labels: { executor: 'test', from: source.name } } }) },
  })
  assert.equal(templateNamed(m, 'gen').metadata, { labels: { executor: 'test', from: 'gen' } })
  assert.equal(templateNamed(m, 'inc').metadata, { labels: { executor: 'test', from: 'inc' } })
  assert.is(templateNamed(m, 'hooked').metadata, undefined)
})

scripts.run()

const bodies = suite('steps, DAGs and sub-workflows')

bodies('a template is defined once however often it is called', () => {
  const m = compileChecked(workflow('many', par(...Array.from({ length: 50 }, (_, i) => step(`s${i}`, inc, { n: i })))))
  assert.equal(m.spec.templates.map((x) => x.name), ['many', 'inc'])
  assert.is(m.spec.templates[0]!.steps?.[0]?.length, 50)
})

bodies('compiling twice gives the same text', () => {
  const wf = () => workflow('same', seq(step('g', gen), par(step('a', inc, { n: 1 }), seq(step('b', inc, { n: 2 }), step('c', inc, { n: 3 })))))
  assert.is(toYaml(compile(wf())), toYaml(compile(wf())))
})

bodies('a seq inside a par becomes a generated template; references are lifted in and out', () => {
  const g = step('g', gen)
  const b = step('b', inc, { n: g.outputs.n, data: g.outputs.out })
  const c = step('c', inc, { n: b.outputs.n })
  const d = step('d', inc, { n: c.outputs.n })
  const m = compileChecked(workflow('lift', seq(g, par(step('a', inc, { n: g.outputs.n }), seq(b, c)), d)))
  assert.equal(m.spec.templates.map((x) => x.name), ['lift', 'gen', 'inc', 'lift-seq-1'])
  const main = templateNamed(m, 'lift')
  assert.equal(main.steps?.[1]?.map((s) => s.name), ['a', 'seq-1'])
  assert.equal(main.steps?.[1]?.[1], {
    name: 'seq-1',
    template: 'lift-seq-1',
    arguments: {
      parameters: [{ name: 'g-n', value: '{{steps.g.outputs.parameters.n}}', description: '{"type":"number"}' }],
      artifacts: [{ name: 'g-out', from: '{{steps.g.outputs.artifacts.out}}' }],
    },
  })
  assert.equal(main.steps?.[2]?.[0]?.arguments, { parameters: [{ name: 'n', value: '{{steps.seq-1.outputs.parameters.c-n}}' }] })
  const frag = templateNamed(m, 'lift-seq-1')
  assert.equal(frag.inputs, { parameters: [{ name: 'g-n', description: '{"type":"number"}' }], artifacts: [{ name: 'g-out' }] })
  assert.equal(frag.outputs, { parameters: [{ name: 'c-n', valueFrom: { parameter: '{{steps.c.outputs.parameters.n}}' }, description: '{"type":"number"}' }] })
  assert.equal(frag.steps?.[0]?.[0]?.arguments, {
    parameters: [{ name: 'n', value: '{{inputs.parameters.g-n}}' }],
    artifacts: [{ name: 'data', from: '{{inputs.artifacts.g-out}}' }],
  })
})

bodies('a dag infers depends from references and dependsOn; a par of steps in a dag is flattened', () => {
  const a = step('A', gen)
  const b = step('B', inc, { n: a.outputs.n })
  const c = step('C', inc, { n: 1 }, { dependsOn: [a] })
  const x = step('X', inc, { n: b.outputs.n })
  const y = step('Y', inc, { n: c.outputs.n })
  const d = step('D', inc, { n: x.outputs.n }, { dependsOn: ['C'] })
  const m = compileChecked(workflow('graph', dag(a, b, c, par(x, y), d)))
  const tasks = templateNamed(m, 'graph').dag?.tasks ?? []
  assert.equal(
    tasks.map((k) => [k.name, k.depends]),
    [['A', undefined], ['B', 'A'], ['C', 'A'], ['X', 'B && C'], ['Y', 'B && C'], ['D', 'C && X && Y']],
  )
  assert.is(tasks[1]!.arguments?.parameters?.[0]?.value, '{{tasks.A.outputs.parameters.n}}')
})

bodies('dag.withOptions({ failFast: false }) is the dag template\'s failFast: false; a plain dag leaves the default', () => {
  const a = step('A', gen)
  const b = step('B', inc, { n: a.outputs.n })
  const m = compileChecked(workflow('lenient', dag.withOptions({ failFast: false })(a, b)))
  assert.is(templateNamed(m, 'lenient').dag?.failFast, false)
  assert.is(templateNamed(compileChecked(workflow('strict', dag(a, b))), 'strict').dag?.failFast, undefined)
})

bodies('a seq inside a dag is a generated task; continueOn switches the DAG to dependencies', () => {
  const a = step('A', gen, {}, { continueOn: { failed: true } })
  const m = compileChecked(workflow('mixed', dag(a, seq(step('B', inc, { n: a.outputs.n }), step('C', inc, { n: 2 })))))
  const tasks = templateNamed(m, 'mixed').dag?.tasks ?? []
  assert.equal(tasks[0], { name: 'A', template: 'gen', continueOn: { failed: true } })
  assert.equal(tasks[1], { name: 'seq-1', dependencies: ['A'], template: 'mixed-seq-1', arguments: { parameters: [{ name: 'A-n', value: '{{tasks.A.outputs.parameters.n}}', description: '{"type":"number"}' }] } })
  assert.equal(templateNamed(m, 'mixed-seq-1').steps?.map((g) => g.map((s) => s.name)), [['B'], ['C']])
})

bodies('a step name beginning with a digit cannot be a DAG task', () => {
  const ps = problemsOf(() => compile(workflow('digit', dag(step('1a', gen), step('b', gen)))))
  assert.match(ps[0]!.message, 'begins with a digit')
})

bodies('sub-workflows keep their inputs and outputs; a dag body gives a DAG template', () => {
  const twice = subflow({
    name: 'twice',
    inputs: { n: param(t.number), data: artifact({ optional: true }) },
    body: ({ n, data }) => {
      const a = step('a', inc, { n, data })
      const b = step('b', inc, { n: a.outputs.n })
      return { run: dag(a, b), outputs: { n: b.outputs.n } }
    },
  })
  const g = step('g', gen)
  const outer = step('outer', twice, { n: g.outputs.n, data: g.outputs.out })
  const m = compileChecked(workflow('nest', seq(g, outer, step('last', inc, { n: outer.outputs.n }))))
  const tw = templateNamed(m, 'twice')
  assert.equal(tw.inputs, { parameters: [{ name: 'n', description: '{"type":"number"}' }], artifacts: [{ name: 'data', optional: true }] })
  assert.equal(tw.outputs?.parameters, [{ name: 'n', valueFrom: { parameter: '{{tasks.b.outputs.parameters.n}}' }, description: '{"type":"number"}' }])
  assert.equal(tw.dag?.tasks[0]?.arguments, { parameters: [{ name: 'n', value: '{{inputs.parameters.n}}' }], artifacts: [{ name: 'data', from: '{{inputs.artifacts.data}}' }] })
  assert.is(templateNamed(m, 'nest').steps?.[2]?.[0]?.arguments?.parameters?.[0]?.value, '{{steps.outer.outputs.parameters.n}}')
})

bodies('a deep fragment passes references through every level', () => {
  const g = step('g', gen)
  const e = step('e', inc, { n: g.outputs.n })
  const m = compileChecked(
    workflow('deep', seq(g, par(step('a', inc, { n: 1 }), seq(step('b', inc, { n: 2 }), par(step('c', inc, { n: 3 }), seq(step('d', inc, { n: 4 }), e)))), step('f', inc, { n: e.outputs.n }))),
  )
  assert.equal(m.spec.templates.map((x) => x.name), ['deep', 'gen', 'inc', 'deep-seq-1', 'deep-seq-1-seq-1'])
  assert.is(templateNamed(m, 'deep').steps?.[2]?.[0]?.arguments?.parameters?.[0]?.value, '{{steps.seq-1.outputs.parameters.e-n}}')
  assert.equal(templateNamed(m, 'deep-seq-1').outputs?.parameters?.[0]?.valueFrom, { parameter: '{{steps.seq-1.outputs.parameters.e-n}}' })
  assert.is(templateNamed(m, 'deep-seq-1-seq-1').steps?.[1]?.[0]?.arguments?.parameters?.[0]?.value, '{{inputs.parameters.g-n}}')
})

bodies.run()

const top = suite('the workflow')

top('a single call with the workflow parameters as arguments is the entrypoint', () => {
  const echo = shell({ name: 'echo', image: 'busybox', inputs: { message: param(t.string) }, script: ({ message }) => sh`echo ${message}` })
  const m = compileChecked(workflow('direct', ({ message }) => step('echo', echo, { message }), { parameters: { message: param(t.string, { default: 'hi' }) } }))
  assert.is(m.spec.entrypoint, 'echo')
  assert.equal(m.spec.arguments, { parameters: [{ name: 'message', value: 'hi', description: '{"type":"string"}' }] })
  assert.equal(m.spec.templates.map((x) => x.name), ['echo'])
  const renamed = compileChecked(workflow('renamed', ({ who }) => step('echo', echo, { message: who }), { parameters: { who: param(t.string) } }))
  assert.is(renamed.spec.entrypoint, 'renamed')
  assert.is(renamed.spec.templates[0]!.steps?.[0]?.[0]?.arguments?.parameters?.[0]?.value, '{{workflow.parameters.who}}')
  assert.equal(renamed.spec.arguments, { parameters: [{ name: 'who', description: '{"type":"string"}' }] })
})

top('the entry template never takes the name of a user template', () => {
  const same = shell({ name: 'clash', image: 'busybox', script: () => sh`true` })
  const m = compileChecked(workflow('clash', seq(step('a', same), step('b', same))))
  assert.is(m.spec.entrypoint, 'clash-2')
})

top('workflow options: metadata, service account, repository, pod GC, parallelism', () => {
  const wf = workflow('opts', seq(step('g', gen)), { parallelism: 3, labels: { a: 'b' }, annotations: { c: 'd' } })
  const m = compileChecked(wf, {
    namespace: 'argo',
    generateName: false,
    serviceAccount: 'runner',
    artifactRepositoryRef: { configMap: 'repos', key: 'minio' },
    podGC: 'OnPodSuccess',
  })
  assert.equal(m.metadata, { name: 'opts', namespace: 'argo', labels: { a: 'b' }, annotations: { c: 'd' } })
  assert.is(m.spec.serviceAccountName, 'runner')
  assert.equal(m.spec.artifactRepositoryRef, { configMap: 'repos', key: 'minio' })
  assert.equal(m.spec.podGC, { strategy: 'OnPodSuccess' })
  assert.is(m.spec.parallelism, 3)
  assert.equal(compileChecked(wf).metadata.generateName, 'opts-')
})

top('the v3.7 target validates against its own schema', () => {
  compileChecked(workflow('old', seq(step('g', gen), step('i', inc, { n: 1 }))), { argoVersion: 'v3.7' })
})

top('a local artifact needs a place on the cluster', () => {
  const wf = workflow('up', step('i', inc, { n: 1, data: localArtifact('data.txt') }))
  assert.match(problemsOf(() => compile(wf))[0]!.message, 'local artifact "data.txt" has no place on the cluster')
  const m = compileChecked(wf, { localArtifact: (a) => ({ s3: { key: `uploads/${a.path}` } }) })
  assert.equal(m.spec.templates[0]!.steps?.[0]?.[0]?.arguments?.artifacts, [{ s3: { key: 'uploads/data.txt' }, name: 'data' }])
})

top('an invalid workflow is refused with the DSL problems', () => {
  const ps = problemsOf(() => compile(workflow('Bad_Name', step('g', gen))))
  assert.match(ps[0]!.message, 'workflow name "Bad_Name"')
})

top.run()
