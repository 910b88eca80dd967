import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatProblem } from 'dflow-ts'
import { ARGO_KINDS, lint, parseYaml, schemaProblems, validate, type ArgoKind } from 'dflow-ts/argo'
import { repoRoot, sharedDir } from './support/shared.ts'

const here = join(repoRoot, 'test', 'argo')
const readDoc = (file: string): unknown => {
  const parsed = parseYaml(readFileSync(file, 'utf8'))
  assert.ok(parsed.ok, file)
  return (parsed as { documents: readonly unknown[] }).documents[0]
}

const broken = suite('broken manifests are rejected with the path and the rule')

/** Each deliberately broken manifest, and the problems (formatted) it must produce, all of them. */
const BROKEN: Readonly<Record<string, readonly string[]>> = {
  '01-typo-field.yaml': ['spec.templates.0: must NOT have additional properties (contaner) [schema: additionalProperties]', 'spec.templates.0: template "main" has 0 types'],
  '02-steps-not-list-of-lists.yaml': ['spec.templates.0.steps.0: must be array [schema: type]'],
  '03-dag-task-without-name.yaml': ["spec.templates.0.dag.tasks.0: must have required property 'name' [schema: required]"],
  '04-number-parameter-value.yaml': ['spec.arguments.parameters.0.value: must be string [schema: type]'],
  '05-wrong-api-version.yaml': ['apiVersion: must be equal to constant ("argoproj.io/v1alpha1") [schema: const]'],
  '06-missing-template-and-cycle.yaml': [
    'spec.templates.0.dag.tasks.1.template: template "ecoh" is not a template of this workflow [lint: template-ref]',
    'spec.templates.0.dag: dependency cycle: A -> B -> A [lint: dag-cycle]',
  ],
  '07-with-item-typo.yaml': ['spec.templates.0.steps.0.0: must NOT have additional properties (withItem) [schema: additionalProperties]'],
}

for (const [file, expected] of Object.entries(BROKEN)) {
  broken(file, () => {
    const got = validate(readDoc(join(here, 'broken', file))).map(formatProblem)
    for (const e of expected) assert.ok(got.some((g) => g.startsWith(e)), `expected "${e}" among:\n${got.join('\n')}`)
  })
}

broken('every file in test/argo/broken has its expectation', () => {
  assert.equal(readdirSync(join(here, 'broken')).sort(), Object.keys(BROKEN).sort())
})

broken('06 passes the schema: only the lint sees it', () => {
  assert.equal(schemaProblems(readDoc(join(here, 'broken', '06-missing-template-and-cycle.yaml'))), [])
})

broken.run()

const rules = suite('lint rules')

const wf = (spec: object, metadata: object = { generateName: 'x-' }) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata, spec })
const leaf = (name: string, extra: object = {}) => ({ name, container: { image: 'alpine:3.20', command: ['true'] }, ...extra })
const messages = (doc: unknown) => lint(doc).map(formatProblem)
const has = (doc: unknown, text: string) => {
  const got = messages(doc)
  assert.ok(got.some((m) => m.includes(text)), `expected "${text}" among:\n${got.join('\n')}`)
}

rules('a clean workflow has no problem', () => {
  assert.equal(messages(wf({ entrypoint: 'a', templates: [leaf('a')] })), [])
})

rules('entrypoint, onExit and hook templates must exist', () => {
  has(wf({ entrypoint: 'main', templates: [leaf('a')] }), 'spec.entrypoint: entrypoint "main" is not a template of this workflow [lint: template-ref]')
  has(wf({ entrypoint: 'a', onExit: 'bye', templates: [leaf('a')] }), 'spec.onExit: exit handler "bye"')
  has(wf({ entrypoint: 's', templates: [{ name: 's', steps: [[{ name: 'x', template: 'a', hooks: { exit: { template: 'nope' } } }]] }, leaf('a')] }), 'hook template "nope"')
})

rules('names: patterns, lengths and uniqueness', () => {
  has(wf({ entrypoint: 'a_b', templates: [leaf('a_b')] }), 'template name "a_b" must match')
  has(wf({ entrypoint: 'a', templates: [leaf('a'), leaf('a')] }), 'two templates are named "a" [lint: unique-name]')
  has(wf({ entrypoint: 's', templates: [{ name: 's', steps: [[{ name: 'x', template: 'a' }], [{ name: 'x', template: 'a' }]] }, leaf('a')] }), 'two steps are named "x"')
  has(wf({ entrypoint: 'a', templates: [leaf('a', { inputs: { parameters: [{ name: 'a.b' }] } })] }), 'parameter "a.b" must match')
  has(wf({ entrypoint: 'a', templates: [leaf('a')] }, { name: 'x'.repeat(64) }), 'Workflow name "xxxx')
  has(wf({ entrypoint: 'a', templates: [leaf('a')] }, { name: 'Hello' }), 'Workflow name "Hello" must match')
})

rules('exactly one type per template; parallelism and deadlines where Argo allows them', () => {
  has(wf({ entrypoint: 'a', templates: [{ name: 'a', container: { image: 'x' }, script: { image: 'x', source: '' } }] }), 'has 2 types (container, script)')
  has(wf({ entrypoint: 'a', templates: [leaf('a', { parallelism: 2 })] }), 'parallelism is only allowed on steps and DAG templates')
  has(wf({ entrypoint: 's', templates: [{ name: 's', activeDeadlineSeconds: 5, steps: [[{ name: 'x', template: 'a' }]] }, leaf('a')] }), 'activeDeadlineSeconds is only allowed on leaf templates')
})

rules('DAG: depends names tasks, not mixed with dependencies, no continueOn beside depends', () => {
  const dag = (tasks: object[]) => wf({ entrypoint: 'd', templates: [{ name: 'd', dag: { tasks } }, leaf('a')] })
  has(dag([{ name: 'A', template: 'a' }, { name: 'B', template: 'a', depends: 'A && Z.Failed' }]), 'task "B" depends on "Z", which is not a task of this DAG [lint: depends]')
  has(dag([{ name: 'A', template: 'a' }, { name: 'B', template: 'a', depends: 'A.Finished' }]), '"A.Finished" in depends of "B" is not a task or task.Result')
  has(dag([{ name: 'A', template: 'a', continueOn: { failed: true } }, { name: 'B', template: 'a', depends: 'A' }]), 'cannot use continueOn in a DAG that uses depends')
  has(dag([{ name: 'A', template: 'a' }, { name: 'B', template: 'a', depends: 'A' }, { name: 'C', template: 'a', dependencies: ['A'] }]), 'cannot use both depends and dependencies')
  has(dag([{ name: '1A', template: 'a' }, { name: 'B', template: 'a', depends: '1A' }]), 'task name "1A" cannot begin with a digit')
  assert.equal(messages(dag([{ name: 'A', template: 'a' }, { name: 'B', template: 'a', depends: '(A.Succeeded || A.Failed) && !A.Errored' }])), [])
})

rules('{{…}} references resolve', () => {
  has(wf({ entrypoint: 'a', templates: [leaf('a', { container: { image: 'x', args: ['{{inputs.parameters.msg}}'] } })] }), '{{inputs.parameters.msg}} does not resolve: the template declares no input parameter "msg" [lint: tag-ref]')
  has(wf({ entrypoint: 'a', templates: [leaf('a', { container: { image: 'x', args: ['{{workflow.parameters.msg}}'] } })] }), 'no workflow parameter "msg" in spec.arguments')
  has(wf({ entrypoint: 's', templates: [{ name: 's', steps: [[{ name: 'x', template: 'a', arguments: { parameters: [{ name: 'p', value: '{{steps.y.outputs.result}}' }] } }]] }, leaf('a')] }), 'no step "y" in this template')
  has(wf({ entrypoint: 's', templates: [{ name: 's', steps: [[{ name: 'x', template: 'a', arguments: { parameters: [{ name: 'p', value: '{{tasks.x.outputs.result}}' }] } }]] }, leaf('a')] }), 'tasks.… can only be used in a DAG template')
  const fine = wf({
    entrypoint: 'a',
    arguments: { parameters: [{ name: 'g', value: '1' }] },
    templates: [leaf('a', { inputs: { parameters: [{ name: 'm' }] }, container: { image: 'x', args: ['{{inputs.parameters.m}} {{workflow.parameters.g}} {{workflow.name}} {{pod.name}} {{=asInt(inputs.parameters.m)}} {{item}}'] } })],
  })
  assert.equal(messages(fine), [])
})

rules('a {{= … }} tag cut short at a "}}" inside it is found; whole ones are not', () => {
  const steps = (when: string) => wf({ entrypoint: 's', templates: [{ name: 's', steps: [[{ name: 'x', template: 'a', when }]] }, leaf('a')] })
  has(steps("{{= inputs.parameters['m'] == 'a}}b' }}"), "spec.templates.0.steps.0.0.when: {{= inputs.parameters['m'] == 'a}} is cut short: a string literal is not closed")
  has(steps('{{= {"a": {"b": 1}}.a.b == 1 }}'), '"}" is missing')
  has(steps("{{= asInt('1') == 1"), 'no "}}" closes it')
  assert.equal(messages(steps("{{= 'a}\\x7db' == 'a' && len('{\\x7b') == 2 }}")), [])
  assert.equal(messages(steps("{{= (asInt('1') + len([1, 2])) == 3 }} and {{=toJson({'a': 1})}}")), [])
})

rules('a spec taken from a WorkflowTemplate has nothing local to resolve', () => {
  assert.equal(messages(wf({ workflowTemplateRef: { name: 't' }, entrypoint: 'elsewhere' })), [])
})

rules('the v3.7 schema rejects a v4-only field', () => {
  const doc = wf({ entrypoint: 'a', templates: [leaf('a', { podResources: {} })] })
  assert.equal(schemaProblems(doc, 'v4.1'), [])
  assert.ok(schemaProblems(doc, 'v3.7').some((p) => p.message.includes('(podResources)')))
})

rules.run()

const upstream = suite("Argo's own examples")
const shared = sharedDir("validating Argo's own examples")

if (shared) {
  upstream('every Argo document of argo/examples is valid (schema and lint)', () => {
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.ya?ml$/.test(f) ? [join(d, f)] : []))
    let valid = 0
    const failures: string[] = []
    for (const file of walk(join(shared, 'argo', 'examples'))) {
      const parsed = parseYaml(readFileSync(file, 'utf8'))
      if (!parsed.ok) {
        failures.push(`${file}: ${parsed.problems.map(formatProblem).join('; ')}`)
        continue
      }
      for (const doc of parsed.documents) {
        if (!ARGO_KINDS.includes((doc as { kind: ArgoKind }).kind)) continue
        const problems = validate(doc)
        if (problems.length) failures.push(`${file}: ${problems.slice(0, 3).map(formatProblem).join('; ')}`)
        else valid++
      }
    }
    assert.equal(failures, [])
    assert.is(valid, 225)
  })
}

upstream.run()
