import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

// The fast way to run an imported leaf (lib/argo/import/leaf-sandbox.ts): tags substituted by the step's sh
// script, the command run in a mount namespace of its own (the launcher's as root, else bubblewrap's private
// root), no interpreter of its own. Machines without a
// working bwrap (scripts/setup.sh installs it) run every leaf through argo-leaf.py: these tests say so and stop.
const tmp = tempDir('argo-leaf-sandbox')
test.after(tmp.cleanup)
const bwrap = spawnSync('bwrap', ['--dev-bind', '/', '/', 'true'], { stdio: 'ignore' }).status === 0

/** A PATH whose python3 fails loudly: a step that starts argo-leaf.py (or any python3 from the PATH) fails. */
const noPython = (() => {
  const bin = join(tmp.path, 'no-python')
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'python3'), '#!/bin/sh\necho "python3 was started: $*" >&2\nexit 97\n')
  chmodSync(join(bin, 'python3'), 0o755)
  return { ...process.env, PATH: `${bin}:${process.env.PATH}` }
})()

const run = (doc: unknown, env: Record<string, string | undefined> = process.env, timeScale = 1) => local({ runsDir: tmp.path, env }).run(importWorkflow(doc, { timeScale }).workflow)

// quotes, a dollar, a backslash, a backtick and a newline: Argo pastes the text as it is
const AWKWARD = `it's "$HOME" \\n \`x\` {y}\nline 2`

test('a busybox container and a python script run with no python3 on the PATH, their tags replaced exactly', async () => {
  if (!bwrap) return console.log('  (skipped: no working bwrap on this machine: argo-leaf.py runs every leaf)')
  const r = await run(
    wf({
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'w', value: 'wf-value' }] },
      templates: [
        {
          name: 'main',
          steps: [
            [
              { name: 'sh', template: 'sh', arguments: { parameters: [{ name: 'm', value: AWKWARD }] } },
              { name: 'py', template: 'py', arguments: { parameters: [{ name: 'm', value: AWKWARD }] } },
            ],
          ],
        },
        {
          name: 'sh',
          inputs: { parameters: [{ name: 'm' }] },
          outputs: { parameters: [{ name: 'o', valueFrom: { path: '/tmp/o.txt' } }] },
          container: {
            image: 'busybox',
            command: ['sh', '-c'],
            args: ['printf "%s" "$M" > {{outputs.parameters.o.path}}; printf "%s|%s|%s" "$1" "$W" "$(pwd)"', 'sh', '{{inputs.parameters.m}}'],
            env: [
              { name: 'M', value: '{{inputs.parameters.m}}' },
              { name: 'W', value: '{{workflow.parameters.w}}/{{workflow.namespace}}' },
            ],
          },
        },
        {
          name: 'py',
          inputs: { parameters: [{ name: 'm' }] },
          outputs: { parameters: [{ name: 'o', valueFrom: { path: '/tmp/o.txt' } }] },
          script: { image: 'python:3.12', command: ['python'], workingDir: '/work-{{workflow.parameters.w}}', source: 'import os\nm = r"""{{inputs.parameters.m}}"""\nopen("/tmp/o.txt", "w").write(m)\nprint(os.getcwd())' },
        },
      ],
    }),
    noPython,
  )
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps({}).map((s) => [s.name, s.phase, s.message])))
  const one = (name: string) => r.steps({ name })[0]!
  assert.is(one('sh').outputs.o, AWKWARD)
  assert.is(printed(one('sh')), `${AWKWARD}|wf-value/default|/`)
  assert.is(one('py').outputs.o, AWKWARD)
  assert.is(printed(one('py')), '/work-wf-value')
})

test('parallel steps writing an undeclared /tmp/x do not collide, and the host /tmp is left alone', async () => {
  const name = `dflow-sandbox-${process.pid}`
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[1, 2, 3].map((i) => ({ name: `w${i}`, template: 'w', arguments: { parameters: [{ name: 'v', value: String(i) }] } }))] },
        { ...echo('w', `echo {{inputs.parameters.v}} > /tmp/${name}; sleep 0.3; cat /tmp/${name}`), inputs: { parameters: [{ name: 'v' }] } },
      ],
    }),
    bwrap ? noPython : process.env,
  )
  assert.is(r.status, 'Succeeded')
  assert.equal([1, 2, 3].map((i) => printed(r.steps({ name: `w${i}` })[0]!)), ['1', '2', '3'])
  assert.not.ok(existsSync(`/tmp/${name}`))
})

test("a time scale gives the step a scaled sleep and python's time.sleep, with no python3 on the PATH", async () => {
  if (!bwrap) return console.log('  (skipped: no working bwrap on this machine)')
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'sh', template: 'sh' }, { name: 'py', template: 'py' }]] },
        echo('sh', 'command -v sleep; sleep 1m'),
        { name: 'py', script: { image: 'python:3', command: ['python'], source: 'import time\ntime.sleep(60)\nprint(time.sleep.__name__)' } },
      ],
    }),
    noPython,
    0.001,
  )
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps({}).map((s) => [s.name, s.phase, s.message])))
  // bubblewrap binds the scaled sleep at /.dflow-bin/sleep; in the launcher's namespace (as root) the PATH leads to it where it is
  assert.match(String(printed(r.steps({ name: 'sh' })[0]!)), /^(\/\.dflow-bin\/sleep|\/.*\/lib\/argo\/import\/scaled\/sleep)$/)
  assert.is(printed(r.steps({ name: 'py' })[0]!), '<lambda>')
})

test("outputs in a sub-folder (dflow's compiled /tmp/workdir/y.txt) run the fast way, their empty folders pruned first as a pod has none", async () => {
  if (!bwrap) return console.log('  (skipped: no working bwrap on this machine)')
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'inc', template: 'inc', arguments: { parameters: [{ name: 'x', value: '41' }] } }, { name: 'mk', template: 'mk' }]] },
        {
          name: 'inc',
          inputs: { parameters: [{ name: 'x' }] },
          outputs: { parameters: [{ name: 'y', valueFrom: { path: '/tmp/workdir/y.txt' } }] },
          script: { image: 'alpine:3.20', command: ['sh'], workingDir: '/tmp/workdir', source: 'echo $(({{inputs.parameters.x}} + 1)) > y.txt' },
        },
        {
          name: 'mk',
          outputs: { parameters: [{ name: 'a', valueFrom: { path: '/mnt/out/deep/a.txt' } }] },
          container: { image: 'alpine', command: ['sh', '-c', 'mkdir /mnt/out && mkdir /mnt/out/deep && echo made > /mnt/out/deep/a.txt'] },
        },
      ],
    }),
    noPython,
  )
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps({}).map((s) => [s.name, s.phase, s.message])))
  assert.is(r.steps({ name: 'inc' })[0]!.outputs.y, '42')
  assert.is(r.steps({ name: 'mk' })[0]!.outputs.a, 'made')
})

/** Whether this process can make mount namespaces (root): the launcher then runs the fast way's steps in its own. */
const root = process.getuid?.() === 0

test('script templates run at Argo\'s /argo/staging/script, mode 0755, each its own (parallel steps), on every way a leaf runs', async () => {
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[1, 2, 3].map((i) => ({ name: `s${i}`, template: 's', arguments: { parameters: [{ name: 'v', value: String(i) }] } }))] },
      {
        name: 's',
        inputs: { parameters: [{ name: 'v' }] },
        script: { image: 'alpine:3.20', command: ['sh'], source: 'sleep 0.3\nprintf "%s %s %s\\n" "$0" "$(stat -c %a "$0")" {{inputs.parameters.v}}\ngrep -c . "$0"' },
      },
    ],
  })
  const want = (i: number) => `/argo/staging/script 755 ${i}\n3`
  // the fast way (the launcher's namespace as root, else bubblewrap), and argo-leaf.py (DFLOW_ARGO_ISOLATION=none keeps the source out of any root: its own path)
  for (const env of [...(bwrap ? [noPython] : []), process.env]) {
    const r = await run(doc, env)
    assert.is(r.status, 'Succeeded', JSON.stringify(r.steps({}).map((s) => [s.name, s.phase, s.message])))
    assert.equal([1, 2, 3].map((i) => printed(r.steps({ name: `s${i}` })[0]!)), [1, 2, 3].map(want))
    // as root the launcher made the step's namespace: the source is in a tmpfs over /argo there (nothing of it on
    // the host's disk: no argo folder in the step's work folder, which holds its private /tmp), the host's /argo an empty mount point
    if (root && bwrap) {
      const workdir = join(r.dir, 'steps', r.steps({ name: 's1' })[0]!.id, 'workdir')
      assert.ok(existsSync(join(workdir, 'tmp')) && !existsSync(join(workdir, 'argo')), `ran in the launcher's namespace, the script in memory: ${readdirSync(workdir)}`)
    }
    if (existsSync('/argo')) assert.equal(readdirSync('/argo'), [])
  }
  const none = await run(doc, { ...process.env, DFLOW_ARGO_ISOLATION: 'none' })
  assert.is(none.status, 'Succeeded')
  assert.match(String(printed(none.steps({ name: 's2' })[0]!)), /\/argo-script 755 2\n3$/)
})

test('a script template with an output under /argo keeps its script in the step\'s own argo folder, and the output', async () => {
  const r = await run(
    wf({
      entrypoint: 's',
      templates: [
        {
          name: 's',
          outputs: { parameters: [{ name: 'o', valueFrom: { path: '/argo/out/o.txt' } }] },
          script: { image: 'alpine:3.20', command: ['sh'], source: 'mkdir -p /argo/out && printf "%s" "$(stat -c %a "$0")" > /argo/out/o.txt' },
        },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded', JSON.stringify(r.steps({}).map((s) => [s.name, s.phase, s.message])))
  assert.is(r.steps({ name: r.steps({})[0]!.name })[0]!.outputs.o, '755')
  if (root && bwrap) assert.ok(existsSync(join(r.dir, 'steps', r.steps({})[0]!.id, 'workdir', 'argo', 'staging', 'script')), 'the script in the step\'s own argo folder')
})

test('a leaf argo-leaf.py always runs is handed to the real python3 behind the PATH\'s (a pyenv shim costs ~90 ms a start), python3 where that is missing', async () => {
  const r = await run(
    wf({
      entrypoint: 'read',
      templates: [{ name: 'read', inputs: { artifacts: [{ name: 'f', path: '/in/f', raw: { data: 'raw' } }] }, container: { image: 'alpine', command: ['cat', '/in/f'] } }],
    }),
  )
  assert.is(r.status, 'Succeeded')
  const script = readFileSync(join(r.dir, 'scripts', readdirSync(join(r.dir, 'scripts'))[0]!), 'utf8')
  const real = spawnSync('python3', ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8' }).stdout.trim()
  const line = script.split('\n').find((l) => l.startsWith('dflow_python='))
  assert.ok(line?.startsWith(`dflow_python='${real}'`), `the script names ${real}: ${line}`)
  // the same line on a host without that interpreter (a batch job's): python3 from the PATH
  const elsewhere = line!.replace(real, '/nonexistent/python3').replace(/exec "\$dflow_python" .*$/, 'exec "$dflow_python" -c "print(42)"')
  assert.is(spawnSync('sh', ['-c', elsewhere], { encoding: 'utf8' }).stdout, '42\n')
})

test('a step the fast way does not cover (an input artifact) still runs, through argo-leaf.py', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'read', template: 'read' }]] },
        { name: 'read', inputs: { artifacts: [{ name: 'f', path: '/in/f', raw: { data: 'raw {{workflow.name}}' } }] }, container: { image: 'alpine', command: ['cat', '/in/f'] } },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  assert.match(String(printed(r.steps({ name: 'read' })[0]!)), /^raw /)
})

test.run()
