import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, dflowAsync } from '../../helpers/cli.ts'
import { scriptedRunner } from '../../helpers/scripted-runner.ts'
import { kubeconfigFor, standIn } from '../../helpers/stand-in-server.ts'
import { tempDir } from '../../helpers/tmp.ts'

/**
 * The `dflow` verbs on Argo, by workflow name, against `dflow server` on loopback (the STAND-IN; its runner
 * here is the test-only `scriptedRunner`, which replays node transitions). Heavy: each verb is a `dflow`
 * process, and each loads the Kubernetes client.
 */
const test = suite('dflow CLI verbs on Argo, and dflow server (stand-in; scripted runner)')
const tmp = tempDir('kube-cli')
test.after(tmp.cleanup)

const dflow = dflowAsync

const out = (name: string, value: string) => ({ parameters: [{ name, value }] })

test('submit --wait, list, get, logs, watch, suspend, resume, stop and delete by name; --json', async () => {
  const { server, kubeconfig } = await standIn(tmp.path, {
    runner: scriptedRunner([
      { name: 'hello0', template: 'hello', log: 'hi\n', outputs: out('msg', '1') },
      { name: 'hello1', template: 'duplicate', outputs: out('msg', '2') },
    ]),
    tickMs: 20,
  })
  try {
    const k = ['--kubeconfig', kubeconfig]
    const sub = await dflow({}, 'submit', 'examples/steps.ts', ...k, '--wait', '-l', 'team=a')
    assert.is(sub.code, 0, sub.err)
    assert.match(sub.out, /^steps-?\S* Succeeded in .* — 2 Succeeded$/m)
    assert.match(sub.out, /✔ hello1\s+Succeeded .* msg=2/)
    const name = /workflow: argo\/(\S+)/.exec(sub.out)![1]!

    const list = await dflow({ KUBECONFIG: kubeconfig }, 'list', '--json', '-l', 'team=a')
    assert.equal(JSON.parse(list.out).map((r: { name: string; status: string }) => [r.name, r.status]), [[name, 'Succeeded']])
    const got = JSON.parse((await dflow({}, 'get', name, ...k, '--json')).out)
    assert.equal(got.steps.map((s: { id: string; outputs: { msg: number } }) => [s.id, s.outputs.msg]), [['hello0', 1], ['hello1', 2]])
    assert.is((await dflow({}, 'logs', name, 'hello0', ...k)).out, 'hi\n')
    assert.is((await dflow({}, 'logs', name, ...k)).out, 'hello0: hi\n')
    const watched = await dflow({}, 'watch', name, ...k)
    assert.is(watched.code, 0)
    assert.match(watched.out, /✔ hello0 Succeeded/)

    assert.match((await dflow({}, 'suspend', name, ...k)).out, new RegExp(`argo/${name}: suspended`))
    assert.is(server.store.get('workflows', 'argo', name)['spec'] && (server.store.get('workflows', 'argo', name)['spec'] as { suspend?: boolean }).suspend, true)
    await dflow({}, 'resume', name, ...k)
    assert.is((server.store.get('workflows', 'argo', name)['spec'] as { suspend?: boolean }).suspend, undefined)
    await dflow({}, 'stop', name, ...k)
    assert.is((server.store.get('workflows', 'argo', name)['spec'] as { shutdown?: string }).shutdown, 'Stop')
    assert.match((await dflow({}, 'delete', name, ...k)).out, /deleted/)
    assert.not.ok(server.store.has('workflows', 'argo', name))

    writeFileSync(join(tmp.path, 'wf.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: from-yaml\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: { image: alpine }\n')
    const y = await dflow({}, 'submit', join(tmp.path, 'wf.yaml'), ...k, '-n', 'other')
    assert.is(y.code, 0, y.err)
    assert.match(y.out, /other\/from-yaml submitted/)
    const again = await dflow({}, 'submit', join(tmp.path, 'wf.yaml'), ...k, '-n', 'other')
    assert.is(again.code, 2)
    assert.match(again.err, /409 AlreadyExists: workflows.argoproj.io "from-yaml" already exists/)
  } finally {
    await server.close()
  }
})

test('dflow server listens, writes a kubeconfig, runs what it receives with the --runner given, and on this machine without one', async () => {
  const runner = join(tmp.path, 'runner.ts')
  writeFileSync(
    runner,
    `export default async (wf, control) => {
  const name = wf.metadata.name
  control.node({ name, type: 'Pod', templateName: wf.spec.entrypoint, phase: 'Running' })
  control.log(name, 'from the runner module\\n')
  control.node({ name, phase: 'Succeeded', outputs: { parameters: [{ name: 'n', value: '7' }] } })
  return { phase: 'Succeeded' }
}
`,
  )
  const start = async (...args: string[]) => {
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1' } })
    const url = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString()
        const m = /listening on (http\S+)/.exec(text)
        if (m) resolve(m[1]!)
      })
      child.on('exit', (code) => reject(new Error(`dflow server ended (${code}) before listening: ${text}`)))
    })
    return { child, url }
  }
  const k = join(tmp.path, 'server-kubeconfig')
  const a = await start('--runner', runner, '--kubeconfig-out', k)
  try {
    writeFileSync(join(tmp.path, 'one.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: one\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: { image: alpine }\n')
    const sub = await dflow({}, 'submit', join(tmp.path, 'one.yaml'), '--kubeconfig', k, '--wait', '--json')
    assert.is(sub.code, 0, sub.err)
    assert.is(JSON.parse(sub.out).status, 'Succeeded')
    assert.is((await dflow({}, 'logs', 'one', 'one', '--kubeconfig', k)).out, 'from the runner module\n')
  } finally {
    a.child.kill('SIGTERM')
  }
  // without --runner: its own runner imports the workflow and runs it on this machine
  const b = await start('--kubeconfig-out', k, '--runs-dir', join(tmp.path, 'server-runs'))
  try {
    writeFileSync(join(tmp.path, 'two.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: two\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: { image: alpine, command: [echo, hi from the engine] }\n')
    const sub = await dflow({}, 'submit', join(tmp.path, 'two.yaml'), '--kubeconfig', k, '--wait', '--json')
    assert.is(sub.code, 0, sub.err)
    assert.is(JSON.parse(sub.out).status, 'Succeeded')
    assert.is((await dflow({}, 'logs', 'two', 'two', '--kubeconfig', k)).out, 'hi from the engine\n')
  } finally {
    b.child.kill('SIGTERM')
  }
})

test.run()
