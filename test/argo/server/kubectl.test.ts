import { execFile, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import YAML from 'yaml'
import { argo, schemaProblems } from '../../../lib/argo/index.ts'
import { engineRunner } from '../../../lib/cli/server-runner.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * The real `kubectl` of the machine against `dflow server` on loopback (the STAND-IN for a Kubernetes API
 * server with Argo) with its real runner (the importer and the local interpreter: the pods' logs are the
 * steps' output); the refusals at create need no run, and take the test-only `scriptedRunner`.
 */
const test = suite('kubectl against dflow server (stand-in)')
const tmp = tempDir('kubectl')
test.after(tmp.cleanup)
const run = promisify(execFile)

const WF = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: hello
        template: print
  - name: print
    container:
      image: alpine:3.20
      command: [sh, -c, 'sleep 1; echo hello from $(uname -s)']
`

test('kubectl create -f, get workflows -w, get -o yaml, logs, patch and delete show and steer the run', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state') }), tickMs: 20 })
  const env = { ...process.env, KUBECONFIG: kubeconfig }
  const kubectl = (...args: string[]) => run('kubectl', ['--cache-dir', join(tmp.path, 'cache'), ...args], { env, cwd: tmp.path, timeout: 60_000 })
  try {
    writeFileSync(join(tmp.path, 'wf.yaml'), WF)
    const created = await kubectl('create', '-f', 'wf.yaml')
    const name = /^workflow\.argoproj\.io\/(hello-[a-z0-9]{5}) created$/m.exec(created.stdout)?.[1]
    assert.ok(name, created.stdout + created.stderr)

    // `get -w` prints the table, then a line per change (the step sleeps a second: Running is seen).
    const watcher = spawn('kubectl', ['--cache-dir', join(tmp.path, 'cache'), 'get', 'workflows', '-w'], { env })
    let watched = ''
    const sawSucceeded = new Promise<void>((resolve, reject) => {
      watcher.stdout.on('data', (d: Buffer) => {
        watched += d.toString()
        if (new RegExp(`${name}\\s+Succeeded`).test(watched)) resolve()
      })
      watcher.on('exit', (code) => reject(new Error(`kubectl get -w ended (${code}): ${watched}`)))
    })
    await sawSucceeded
    watcher.kill()
    assert.match(watched, /^NAME\s+STATUS\s+AGE\n/)
    assert.match(watched, new RegExp(`${name}\\s+Running`))

    const wf = YAML.parse((await kubectl('get', 'workflow', name!, '-o', 'yaml')).stdout)
    assert.is(wf.status.phase, 'Succeeded')
    assert.is(wf.metadata.labels['workflows.argoproj.io/completed'], 'true')
    assert.equal(schemaProblems(wf), [])
    const pod = Object.values(wf.status.nodes as Record<string, { type: string; name: string }>).find((n) => n.type === 'Pod')!
    assert.is(pod.name, `${name}[0].hello`)

    const pods = (await kubectl('get', 'pods', '-o', 'name')).stdout.trim()
    assert.match(pods, new RegExp(`^pod/${name}-print-\\d+$`))
    assert.is((await kubectl('logs', pods)).stdout, 'hello from Linux\n')

    const wide = (await kubectl('get', 'wf', '-o', 'wide')).stdout
    assert.match(wide, /^NAME\s+STATUS\s+AGE\s+MESSAGE\n/)
    await kubectl('patch', 'workflow', name!, '--type', 'merge', '-p', '{"metadata":{"labels":{"team":"a"}}}')
    assert.match((await kubectl('get', 'workflows', '-l', 'team=a')).stdout, new RegExp(name!))
    await kubectl('patch', 'workflow', name!, '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/labels/team"}]')
    assert.match((await kubectl('get', 'workflows', '-l', 'team=a')).stderr, /No resources found/)
    assert.match((await kubectl('delete', 'workflow', name!)).stdout, new RegExp(`workflow.argoproj.io "${name}" deleted`))
    assert.match((await kubectl('get', 'pods')).stderr, /No resources found/)
  } finally {
    await server.close()
  }
})

test('kubectl create of a workflow with a field Argo does not know fails with the schema\'s message; a name taken is AlreadyExists', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: scriptedRunner([]) })
  const env = { ...process.env, KUBECONFIG: kubeconfig }
  const kubectl = (...args: string[]) => run('kubectl', ['--cache-dir', join(tmp.path, 'cache'), ...args], { env, cwd: tmp.path, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )
  try {
    writeFileSync(join(tmp.path, 'typo.yaml'), WF.replace('    container:', '    contaner:'))
    const bad = await kubectl('create', '-f', 'typo.yaml')
    assert.is.not(bad.code, 0)
    assert.match(bad.stderr, /spec\.templates\.1: must NOT have additional properties \(contaner\)/)
    writeFileSync(join(tmp.path, 'named.yaml'), WF.replace('generateName: hello-', 'name: fixed'))
    assert.is((await kubectl('create', '-f', 'named.yaml')).code, 0)
    const again = await kubectl('create', '-f', 'named.yaml')
    assert.match(again.stderr, /AlreadyExists.*workflows\.argoproj\.io "fixed" already exists/)
  } finally {
    await server.close()
  }
})

test('kubectl create -f of a WorkflowTemplate, get wftmpl, and a Workflow that references it runs it', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, { runner: engineRunner({ runsDir: join(tmp.path, 'runs'), stateDir: join(tmp.path, 'state') }), tickMs: 20 })
  const env = { ...process.env, KUBECONFIG: kubeconfig }
  const kubectl = (...args: string[]) => run('kubectl', ['--cache-dir', join(tmp.path, 'cache-wftmpl'), ...args], { env, cwd: tmp.path, timeout: 60_000 })
  try {
    writeFileSync(join(tmp.path, 'wftmpl.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: greet\nspec:\n  entrypoint: say\n  templates:\n  - name: say\n    container: { image: alpine:3.20, command: [echo, hi from a template] }\n')
    writeFileSync(join(tmp.path, 'by-ref.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: by-ref\nspec:\n  workflowTemplateRef: { name: greet }\n')
    assert.match((await kubectl('create', '-f', 'wftmpl.yaml')).stdout, /workflowtemplate\.argoproj\.io\/greet created/)
    assert.match((await kubectl('get', 'wftmpl')).stdout, /^NAME\s+AGE\ngreet\s/)
    await kubectl('create', '-f', 'by-ref.yaml')
    const done = await (await argo({ kubeconfig }).submit({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'again-' }, spec: { workflowTemplateRef: { name: 'greet' } } } as any)).wait()
    assert.is(done.status, 'Succeeded')
    assert.match((await kubectl('get', 'workflow', 'by-ref', '-o', 'jsonpath={.status.phase}')).stdout, /Succeeded|Running/)
  } finally {
    await server.close()
  }
})

test.run()
