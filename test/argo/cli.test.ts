import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { compile, parseYaml, toYaml, validate } from 'dflow-ts/argo'
import steps from '../../examples/steps.ts'
import { main as compileMain } from '../../lib/cli/compile.ts'
import { main as lintMain } from '../../lib/cli/lint.ts'
import { repoRoot } from './support/shared.ts'

const capture = () => {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out: () => out.join(''), err: () => err.join('') }
}

const cli = suite('dflow compile and dflow lint')
const example = join(repoRoot, 'examples', 'steps.ts')
let dir = ''
cli.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dflow-argo-cli-'))
})
cli.after(() => rmSync(dir, { recursive: true, force: true }))

cli('compile prints the manifest compile() gives (the golden, checked in goldens.test.ts)', async () => {
  const c = capture()
  assert.is(await compileMain([example], c.io), 0)
  assert.fixture(c.out(), toYaml(compile(steps)))
})

cli('compile -o writes a file; --json writes JSON; options reach the manifest', async () => {
  const file = join(dir, 'wf.json')
  const c = capture()
  assert.is(await compileMain([example, '-o', file, '--json', '--name', '--namespace', 'argo', '--service-account', 'sa'], c.io), 0)
  assert.is(c.out(), '')
  const m = JSON.parse(readFileSync(file, 'utf8'))
  assert.equal(m.metadata, { name: 'steps', namespace: 'argo' })
  assert.is(m.spec.serviceAccountName, 'sa')
  assert.equal(validate(m), [])
})

cli('compile --artifact-repository FILE.yaml (Argo\'s format) -a NAME=REF --local-artifact PATH=REF reach the manifest as the compile options do', async () => {
  const example = join(repoRoot, 'examples', 'artifacts', 'workflow-artifacts.ts')
  const { default: wf, argoOptions } = await import(example)
  const repoFile = join(dir, 'repo.yaml')
  writeFileSync(repoFile, toYaml(argoOptions.artifactRepository))
  const c = capture()
  assert.is(await compileMain([example, '--artifact-repository', repoFile, '-a', `data=${argoOptions.artifacts.data}`], c.io), 0, c.err())
  assert.fixture(c.out(), toYaml(compile(wf, argoOptions)))
  const byRef = capture()
  assert.is(await compileMain([example, '--artifact-repository-ref', 'artifact-repositories/dflow', '--artifact', 'data=s3://my-bucket/in.tgz', '--artifact-repository', repoFile], byRef.io), 0, byRef.err())
  const m = parseYaml(byRef.out()) as { ok: true; documents: [{ spec: { artifactRepositoryRef: unknown; arguments: { artifacts: unknown } } }] }
  assert.equal(m.documents[0].spec.artifactRepositoryRef, { configMap: 'artifact-repositories', key: 'dflow' })
  assert.equal(m.documents[0].spec.arguments.artifacts, [{ name: 'data', s3: { key: 'in.tgz' } }])
  const local = capture()
  const up = join(dir, 'up.ts')
  writeFileSync(up, `import { artifact, localArtifact, sh, shell, step, workflow } from 'dflow-ts'\nconst cat = shell({ name: 'cat', inputs: { f: artifact() }, script: ({ f }) => sh\`cat \${f}\` })\nexport default workflow('up', step('c', cat, { f: localArtifact('data.txt') }))\n`)
  assert.is(await compileMain([up, '--artifact-repository', repoFile, '--local-artifact', 'data.txt=s3://my-bucket/uploads/data.txt'], local.io), 0, local.err())
  assert.match(local.out(), 'key: uploads/data.txt')
})

cli('compile: an artifact flag without NAME=REF, a repository file that is not one, a workflow artifact without a value are errors naming the flag', async () => {
  const example = join(repoRoot, 'examples', 'artifacts', 'workflow-artifacts.ts')
  const noValue = capture()
  assert.is(await compileMain([example], noValue.io), 1)
  assert.match(noValue.err(), 'workflow artifact "data" has no value on the cluster')
  const bad = capture()
  assert.is(await compileMain([example, '-a', 'data'], bad.io), 1)
  assert.match(bad.err(), '--artifact takes NAME=REF')
  const notRepo = join(dir, 'not-repo.yaml')
  writeFileSync(notRepo, 's3:\n  endpoint: minio:9000\n')
  const wrong = capture()
  assert.is(await compileMain([example, '--artifact-repository', notRepo, '-a', 'data=s3://my-bucket/x'], wrong.io), 1)
  assert.match(wrong.err(), 'not an S3 artifact repository: s3 has no bucket')
})

cli('compile reports a file without a workflow, and bad usage', async () => {
  const file = join(dir, 'empty.ts')
  writeFileSync(file, 'export default 42\n')
  const c = capture()
  assert.is(await compileMain([file], c.io), 1)
  assert.match(c.err(), 'no default export that is a workflow')
  assert.is(await compileMain([], capture().io), 2)
  assert.is(await compileMain([example, '--bogus'], capture().io), 2)
  assert.is(await compileMain([example, '--argo-version', 'v9'], capture().io), 1)
})

cli('--help prints the usage', async () => {
  for (const main of [compileMain, lintMain]) {
    const c = capture()
    assert.is(await main(['--help'], c.io), 0)
    assert.match(c.out(), /^Usage: dflow (compile|lint)/)
  }
})

cli('lint accepts a workflow file and a valid hand-written YAML file', async () => {
  const c = capture()
  assert.is(await lintMain([example], c.io), 0)
  assert.match(c.out(), 'valid Workflow')
  const yaml = join(dir, 'ok.yaml')
  writeFileSync(yaml, readFileSync(join(repoRoot, 'examples', 'argo', 'dag-diamond.argo.yaml'), 'utf8') + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n')
  const d = capture()
  assert.is(await lintMain([yaml, '--argo-version', 'v3.7'], d.io), 0)
  assert.match(d.out(), `${yaml}#1: skipped`)
})

cli('lint rejects a broken manifest, naming the path and the rule', async () => {
  const c = capture()
  assert.is(await lintMain([join(repoRoot, 'test', 'argo', 'broken', '06-missing-template-and-cycle.yaml')], c.io), 1)
  assert.match(c.err(), 'spec.templates.0.dag: dependency cycle: A -> B -> A [lint: dag-cycle]')
  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, 'kind: Workflow\nspec: [\n')
  const d = capture()
  assert.is(await lintMain([bad], d.io), 1)
  assert.match(d.err(), 'YAML:')
})

cli('lint fails on a file that holds no Argo document, naming the file and what it expected', async () => {
  const cases: Record<string, string> = { 'word.yaml': 'hello\n', 'list.yaml': '- a\n- b\n', 'empty.yaml': '', 'comment.yaml': '# nothing\n', 'plain.yaml': 'a: 1\n', 'other.yaml': 'apiVersion: v1\nkind: ConfigMap\n' }
  for (const [name, text] of Object.entries(cases)) {
    const file = join(dir, name)
    writeFileSync(file, text)
    const c = capture()
    assert.is(await lintMain([file], c.io), 1, `${name}: ${c.out()}${c.err()}`)
    assert.match(c.err(), file, name)
    assert.match(c.err(), /expected .*apiVersion: argoproj\.io\/v1alpha1 and kind: Workflow/, name)
  }
  const c = capture()
  assert.is(await lintMain([join(dir, 'word.yaml')], c.io), 1)
  assert.match(c.err(), 'got a string')
  const l = capture()
  assert.is(await lintMain([join(dir, 'list.yaml')], l.io), 1)
  assert.match(l.err(), 'got a list')
})

cli('the YAML reader tolerates what Go tolerates: a duplicate key, a closing quote at its key', () => {
  const r = parseYaml('a: 1\na: 2\nc:\n  args: ["\n    echo hi\n  "]\n')
  assert.ok(r.ok, JSON.stringify(r))
  assert.equal((r as { documents: readonly unknown[] }).documents, [{ a: 2, c: { args: [' echo hi '] } }])
})

cli.run()
