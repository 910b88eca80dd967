import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { argo } from '../../lib/argo/index.ts'
import { kube } from '../../lib/cli/kube.ts'
import { localVerb } from '../../lib/cli/local-verbs.ts'
import { local } from '../../lib/local/index.ts'
import steps from '../../examples/steps.ts'
import { scriptedRunner } from '../helpers/scripted-runner.ts'
import { standIn } from '../helpers/stand-in-server.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * `dflow get --json` of a local run folder and of a workflow on Argo have one shape: the verbs' own code,
 * run in this process (their printed output captured), on a real local run of examples/steps.ts and on the
 * same example submitted to `dflow server` on loopback (the STAND-IN; its runner the test-only
 * `scriptedRunner`, which replays the nodes and outputs a real run of it gives).
 */
const test = suite('dflow get --json: one shape locally and on Argo')
const tmp = tempDir('verb-shape')
test.after(tmp.cleanup)

const printed = async (f: () => Promise<number>): Promise<{ code: number; out: string }> => {
  const lines: string[] = []
  const log = console.log
  console.log = (...a: unknown[]) => void lines.push(a.join(' '))
  try {
    return { code: await f(), out: lines.join('\n') }
  } finally {
    console.log = log
  }
}

test('the same keys, step ids and decoded parameter outputs', async () => {
  const run = await local({ runsDir: tmp.path }).run(steps)
  assert.is(run.status, 'Succeeded')
  const here = await printed(() => localVerb('get', [run.dir, '--json']))
  assert.is(here.code, 0)
  const l = JSON.parse(here.out)

  const out = (value: string) => ({ parameters: [{ name: 'msg', value }] })
  const { server, kubeconfig } = await standIn(tmp.path, {
    runner: scriptedRunner([
      { name: 'hello0', template: 'hello', outputs: out('1\n') },
      { name: 'hello1', template: 'duplicate', outputs: out('2\n') },
      { name: 'hello2', template: 'duplicate', outputs: out('4\n') },
      { name: 'hello3', template: 'duplicate', outputs: out('4\n') },
    ]),
  })
  try {
    const submitted = await (await argo({ kubeconfig }).submit(steps)).wait()
    const there = await printed(() => kube('get', [submitted.name, '--kubeconfig', kubeconfig, '--json']))
    assert.is(there.code, 0)
    const a = JSON.parse(there.out)
    const keys = (o: object, drop: string) => Object.keys(o).filter((k) => k !== drop).sort()
    assert.equal(keys(l, 'dir'), keys(a, 'namespace'))
    assert.equal(keys(l.steps[0], ''), keys(a.steps[0], 'podName'))
    // by id: hello2 and hello3 run in parallel, and the local list is in the order they started (either way)
    const params = (j: { steps: { id: string; outputs: Record<string, unknown> }[] }) => j.steps.map((s) => [s.id, s.outputs['msg']]).sort()
    assert.equal(params(a), params(l))
    assert.equal(params(l), [['hello0', 1], ['hello1', 2], ['hello2', 4], ['hello3', 4]])
  } finally {
    await server.close()
  }
})

test.run()
