import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DflowError } from 'dflow-ts'
import { holdLocks, importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/** Argo features the importer gives a local meaning to beyond the basics of import.test.ts. */
const tmp = tempDir('argo-import-features')
test.after(tmp.cleanup)
type Options = Parameters<typeof importWorkflow>[1]
const run = (doc: unknown, options: Options = {}, parameters: Record<string, string> = {}) =>
  local({ runsDir: tmp.path }).run(importWorkflow(doc, options).workflow, { parameters })

const say = echo('say', 'echo {{inputs.parameters.m}}', { inputs: { parameters: [{ name: 'm' }] } })
const m = (v: string) => ({ parameters: [{ name: 'm', value: v }] })

/** A workflow whose entrypoint `main` is a dag of these tasks, beside these templates. */
const dagWf = (tasks: readonly unknown[], ...templates: readonly unknown[]) => wf({ entrypoint: 'main', templates: [{ name: 'main', dag: { tasks } }, ...templates] })

const fileOf = (v: unknown): string => readFileSync((v as { path: string }).path, 'utf8')

test('an output artifact chosen by fromExpression (conditional-artifacts)', async () => {
  const write = (name: string, text: string) => ({ ...echo(name, `echo -n ${text} > /tmp/r.txt`), outputs: { artifacts: [{ name: 'result', path: '/tmp/r.txt' }] } })
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'flip', template: 'flip' }],
            [
              { name: 'heads', template: 'heads', when: '{{steps.flip.outputs.result}} == heads' },
              { name: 'tails', template: 'tails', when: '{{steps.flip.outputs.result}} == tails' },
            ],
          ],
          outputs: { artifacts: [{ name: 'result', fromExpression: "steps['flip'].outputs.result == 'heads' ? steps.heads.outputs.artifacts.result : steps.tails.outputs.artifacts.result" }] },
        },
        echo('flip', 'echo tails'),
        write('heads', 'it-was-heads'),
        write('tails', 'it-was-tails'),
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  const top = r.steps().find((s) => s.id.split('.').length === 1)!
  assert.is(fileOf(top.outputs.result), 'it-was-tails')
  const leafFrom = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), outputs: { artifacts: [{ name: 'a', fromExpression: 'true ? x : y' }] } }] })
  assert.equal(problemsOf(leafFrom), ['spec.templates.0.outputs.artifacts.0.fromExpression: fromExpression is for steps and dag templates; a container or script template gives a path'])
})

test("a dag's target runs only the targets and what they depend on (dag-targets)", async () => {
  const doc = wf({
    entrypoint: 'd',
    arguments: { parameters: [{ name: 'target', value: 'E' }] },
    templates: [
      {
        name: 'd',
        dag: {
          target: '{{workflow.parameters.target}}',
          tasks: [
            { name: 'A', template: 'say', arguments: m('A') },
            { name: 'B', template: 'say', depends: 'A', arguments: m('B') },
            { name: 'C', template: 'say', depends: 'A', arguments: m('C') },
            { name: 'D', template: 'say', depends: 'B && C', arguments: m('D') },
            { name: 'E', template: 'say', depends: 'C', arguments: m('E') },
          ],
        },
      },
      say,
    ],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded')
  assert.equal(r.steps().filter((s) => s.type === 'Pod' || s.record.template === 'say').map((s) => s.name).sort(), ['A', 'C', 'E'])
  const two = await run(doc, { parameters: { target: 'B D' } })
  assert.equal(two.steps().filter((s) => s.record.template === 'say').map((s) => s.name).sort(), ['A', 'B', 'C', 'D'])
  const bad = wf({ entrypoint: 'd', templates: [{ name: 'd', dag: { target: 'Z', tasks: [{ name: 'A', template: 'say', arguments: m('A') }] } }, say] })
  assert.equal(problemsOf(bad), ['spec.templates.0.dag.target: no task "Z" in this dag (its tasks: A)'])
})

/**
 * Steps one, two and other calling the memoized template w with m = the three values; w writes m and a fresh
 * uuid to its output hello (then runs `more`), so a call served from the cache gives the uuid it was cached with.
 */
const memoized = (values: readonly [string, string, string], more: string, memoize: Record<string, unknown>) =>
  wf({
    entrypoint: 'main',
    templates: [
      // the output reading two's result is what makes Argo keep it (results-kept.ts), and so the cache too
      { name: 'main', outputs: { parameters: [{ name: 'said', valueFrom: { parameter: '{{steps.two.outputs.result}}' } }] }, steps: (['one', 'two', 'other'] as const).map((name, i) => [{ name, template: 'w', arguments: m(values[i]!) }]) },
      {
        ...echo('w', `echo -n {{inputs.parameters.m}}-$(cat /proc/sys/kernel/random/uuid) > /tmp/h.txt${more}`),
        inputs: { parameters: [{ name: 'm' }] },
        memoize,
        outputs: { parameters: [{ name: 'hello', valueFrom: { path: '/tmp/h.txt' } }] },
      },
    ],
  })

test('memoize: a second call with the same key within maxAge is served from the ConfigMap file, without running', async () => {
  const cacheDir = join(tmp.path, 'memo-cache')
  mkdirSync(cacheDir, { recursive: true })
  const doc = memoized(['x', 'x', 'y'], '; echo printed', { key: 'k-{{inputs.parameters.m}}', maxAge: '1h', cache: { configMap: { name: 'memo-cm' } } })
  const hellos = async (d: unknown) => {
    const r = await run(d, { memoizeDir: cacheDir })
    assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
    const out = (n: string) => r.steps({ name: n })[0]!.outputs as Record<string, unknown>
    assert.is(out('two').result, 'printed')
    return ['one', 'two', 'other'].map((n) => String(out(n).hello))
  }
  const [one, two, other] = await hellos(doc)
  assert.match(one!, /^x-/)
  assert.is(two, one)
  assert.match(other!, /^y-/)
  const cm = JSON.parse(readFileSync(join(cacheDir, 'memo-cm.json'), 'utf8'))
  assert.is(cm.kind, 'ConfigMap')
  assert.equal(JSON.parse(cm.data['k-x']).outputs.parameters[0], { name: 'hello', value: one, valueFrom: { path: '/tmp/h.txt' } })
  // a later run finds the entries; with maxAge 0s they are stale and the template runs again
  assert.equal(await hellos(doc), [one, one, other])
  const stale = JSON.parse(JSON.stringify(doc))
  stale.spec.templates[1].memoize.maxAge = '0s'
  const again = await hellos(stale)
  assert.not.equal(again[0], one)
  assert.not.equal(again[2], other)
  const noCache = JSON.parse(JSON.stringify(doc))
  delete noCache.spec.templates[1].memoize.cache
  assert.equal(problemsOf(noCache), ['spec.templates.1.memoize.cache: memoize needs cache.configMap.name'])
})

test('memoize: a {{= … }} in the key is evaluated from the call\'s inputs, as Argo evaluates it, and keys the ConfigMap entry', async () => {
  const cacheDir = join(tmp.path, 'memo-expr-cache')
  mkdirSync(cacheDir, { recursive: true })
  const doc = memoized(['ab', 'ab', 'cd'], '', { key: "k-{{=sprig.upper(inputs.parameters.m) + '-' + string(len(inputs.parameters.m))}}-{{=sprig.sha256sum(inputs.parameters.m)}}", maxAge: '1h', cache: { configMap: { name: 'memo-expr-cm' } } })
  const r = await run(doc, { memoizeDir: cacheDir })
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  const hello = (n: string) => String((r.steps({ name: n })[0]!.outputs as Record<string, unknown>).hello)
  assert.is(hello('two'), hello('one'))
  assert.is.not(hello('other'), hello('one'))
  const cm = JSON.parse(readFileSync(join(cacheDir, 'memo-expr-cm.json'), 'utf8'))
  const sha = (x: string) => createHash('sha256').update(x).digest('hex')
  assert.equal(Object.keys(cm.data).sort(), [`k-AB-2-${sha('ab')}`, `k-CD-2-${sha('cd')}`])
  assert.is(JSON.parse(cm.data[`k-AB-2-${sha('ab')}`]).outputs.parameters[0].value, hello('one'))
})

test('a {{= … }} in an artifact\'s key is evaluated from the call\'s inputs: the producer stores it there, a consumer reads it back', async () => {
  const repo = join(tmp.path, 'expr-key-repo')
  const keyOf = "out/{{=sprig.upper(inputs.parameters.m)}}.txt"
  const doc = wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'put', template: 'put', arguments: m('ab') }], [{ name: 'get', template: 'get', arguments: m('ab') }]] },
      { ...echo('put', 'echo -n stored-{{inputs.parameters.m}} > /tmp/a.txt'), inputs: { parameters: [{ name: 'm' }] }, outputs: { artifacts: [{ name: 'a', path: '/tmp/a.txt', s3: { key: keyOf }, archive: { none: {} } }] } },
      { ...echo('get', 'cat /tmp/in.txt'), inputs: { parameters: [{ name: 'm' }], artifacts: [{ name: 'a', path: '/tmp/in.txt', s3: { key: keyOf } }] } },
    ],
  })
  const r = await run(doc, { artifactRepository: repo })
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  assert.is(String(printed(r.steps({ name: 'get' })[0]!)), 'stored-ab')
  assert.is(readFileSync(join(repo, 'out/AB.txt'), 'utf8'), 'stored-ab')
})

test('an output parameter and an output artifact of one name are kept apart (workspace-workflow)', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [[{ name: 'make', template: 'make' }], [{ name: 'use', template: 'use', arguments: { parameters: [{ name: 'p', value: '{{steps.make.outputs.parameters.out}}' }], artifacts: [{ name: 'a', from: '{{steps.make.outputs.artifacts.out}}' }] } }]],
        },
        { ...echo('make', 'echo -n hi > /tmp/out'), outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }], artifacts: [{ name: 'out', path: '/tmp/out' }] } },
        { ...echo('use', 'echo "{{inputs.parameters.p}} $(cat /tmp/a)"'), inputs: { parameters: [{ name: 'p' }], artifacts: [{ name: 'a', path: '/tmp/a' }] } },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded')
  assert.is(printed(r.steps({ name: 'use' })[0]!), 'hi hi')
  assert.is(r.steps({ name: 'make' })[0]!.outputs.out, 'hi')
})

test('synchronization: a template mutex and a ConfigMap semaphore bound the calls at once, a workflow mutex the runs', async () => {
  const locks = join(tmp.path, 'locks')
  // each call records when it starts and ends, in a shared volume; the overlap of the intervals is the concurrency
  const doc = (sync: Record<string, unknown>) =>
    wf({
      entrypoint: 'main',
      volumeClaimTemplates: [{ metadata: { name: 'log' }, spec: {} }],
      templates: [
        { name: 'main', steps: [[{ name: 'w', template: 'w', withItems: [1, 2, 3, 4] }]] },
        {
          ...echo('w', 'echo "+ $(date +%s%N)" >> /log/t; sleep 0.3; echo "- $(date +%s%N)" >> /log/t'),
          container: { image: 'busybox', command: ['sh', '-c'], args: ['echo "+ $(date +%s%N)" >> /log/t; sleep 0.3; echo "- $(date +%s%N)" >> /log/t'], volumeMounts: [{ name: 'log', mountPath: '/log' }] },
          synchronization: sync,
        },
      ],
    })
  const most = async (d: unknown, options: Options = {}) => {
    // parallelism 4: without the locks, the 4 calls all run at once
    const r = await local({ runsDir: tmp.path, parallelism: 4 }).run(importWorkflow(d, { syncDir: locks, ...options }).workflow)
    assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
    const runDir = r.dir
    const events = readFileSync(join(runDir, 'volumes', 'log', 't'), 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string])
    let at = 0
    let peak = 0
    for (const [sign] of events.sort((a, b) => (BigInt(a[1]) < BigInt(b[1]) ? -1 : 1))) peak = Math.max(peak, (at += sign === '+' ? 1 : -1))
    return peak
  }
  assert.is(await most(doc({ mutexes: [{ name: 'one' }] })), 1)
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits' }, data: { w: '2' } }
  assert.is(await most(doc({ semaphores: [{ configMapKeyRef: { name: 'limits', key: 'w' } }] }), { configmaps: [cm] }), 2)
  assert.equal(problemsOf(doc({ semaphores: [{ configMapKeyRef: { name: 'limits', key: 'w' } }] })), ['spec.templates.1.synchronization.semaphores.0.configMapKeyRef: no ConfigMap named "limits"'])
  assert.equal(problemsOf(doc({ mutexes: [{ name: 'm', database: true }] })), ['spec.templates.1.synchronization.mutexes.0.database: a database-backed lock is not supported locally (a lock on this host is)'])
  // a workflow-level mutex is held for the whole run: two runs of one mutex do not overlap
  const whole = wf({ entrypoint: 's', synchronization: { mutex: { name: 'wf' } }, templates: [echo('s', 'sleep 0.3')] })
  const imp = importWorkflow(whole, { syncDir: locks })
  assert.equal(imp.synchronization?.map((l) => l.name), ['wf'])
  const times = await Promise.all(
    [0, 1].map(async () => {
      const release = await holdLocks(imp.synchronization!)
      try {
        const r = await local({ runsDir: tmp.path }).run(imp.workflow)
        return [r.record.startedAt, r.record.finishedAt] as const
      } finally {
        release()
      }
    }),
  )
  const [a, b] = times.sort()
  assert.ok(String(a![1]) <= String(b![0]), `the runs overlap: ${JSON.stringify(times)}`)
})

test('key-only S3 artifacts go to and come from the artifact repository, by key (key-only-artifact, map-reduce)', async () => {
  const repo = join(tmp.path, 'repository')
  const r = await run(
    dagWf(
      [
        { name: 'gen', template: 'gen' },
        { name: 'use', template: 'use', depends: 'gen', withItems: ['a', 'b'], arguments: { artifacts: [{ name: 'f', s3: { key: '{{workflow.name}}/parts/{{item}}.txt' } }] } },
        { name: 'all', template: 'all', depends: 'use' },
      ],
      { ...echo('gen', 'mkdir -p /mnt/out; echo -n A > /mnt/out/a.txt; echo -n B > /mnt/out/b.txt'), outputs: { artifacts: [{ name: 'parts', path: '/mnt/out', s3: { key: '{{workflow.name}}/parts' } }] } },
      { ...echo('use', 'cat /tmp/f'), inputs: { artifacts: [{ name: 'f', path: '/tmp/f' }] } },
      { ...echo('all', 'cat /tmp/in/*'), inputs: { artifacts: [{ name: 'in', path: '/tmp/in', s3: { key: '{{workflow.name}}/parts' } }] } },
    ),
    { artifactRepository: repo },
  )
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  assert.equal(['use(0)', 'use(1)', 'all'].map((n) => printed(r.steps({ name: n })[0]!)), ['A', 'B', 'AB'])
  assert.is(readFileSync(join(repo, r.id, 'parts', 'b.txt'), 'utf8'), 'B')
  const full = wf({ entrypoint: 'e', templates: [{ ...echo('e', 'echo'), outputs: { artifacts: [{ name: 'a', path: '/tmp/a', s3: { key: 'k', bucket: 'b', endpoint: 'minio:9000' } }] } }] })
  // a bucket of its own is reached with credentials from Secrets (import-s3.heavy.test.ts)
  assert.equal(problemsOf(full), ["spec.templates.0.outputs.artifacts.0.s3.accessKeySecret: an S3 location needs accessKeySecret (a Secret's name and key) locally"])
})

test('a pasted value compared with true (govaluate), and workflow.parameters.json (conditionals)', async () => {
  const doc = wf({
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'should-print', value: 'true' }, { name: 'other', value: 'x' }] },
    templates: [
      {
        name: 'main',
        inputs: { parameters: [{ name: 'should-print' }] },
        steps: [
          [
            { name: 'gov', template: 'say', when: '{{inputs.parameters.should-print}} == true', arguments: m('gov') },
            { name: 'gov-not', template: 'say', when: '{{inputs.parameters.should-print}} != true', arguments: m('no') },
            { name: 'json', template: 'say', when: "{{=jsonpath(workflow.parameters.json, '$[1].value') == 'x'}}", arguments: m('{{workflow.parameters.json}}') },
          ],
        ],
      },
      say,
    ],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded')
  const phase = (n: string) => r.steps({ name: n })[0]!.phase
  assert.equal(['gov', 'gov-not', 'json'].map(phase), ['Succeeded', 'Skipped', 'Succeeded'])
  // the JSON pasted into `sh -c "echo …"` loses its double quotes to the shell, on Argo as here
  assert.is(printed(r.steps({ name: 'json' })[0]!), '[{name:should-print,value:true},{name:other,value:x}]')
  const off = await local({ runsDir: tmp.path }).run(importWorkflow(doc, { parameters: { 'should-print': 'false' } }).workflow, { parameters: { 'should-print': 'false' } })
  assert.equal(['gov', 'gov-not'].map((n) => off.steps({ name: n })[0]!.phase), ['Skipped', 'Succeeded'])
})

test('expressions and interpolated text as arguments, and input values computed from the workflow parameters (expression-destructure-json)', async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'config', value: '{"a":"1","b":"2"}' }] },
      templates: [
        {
          name: 'main',
          inputs: { parameters: [{ name: 'a', value: "{{=jsonpath(workflow.parameters.config, '$.a')}}" }, { name: 'b', default: "{{=jsonpath(workflow.parameters.config, '$.b')}}" }] },
          steps: [
            [{ name: 'inner', template: 'inner', arguments: { parameters: [{ name: 'm', value: '{{inputs.parameters.a}}A' }] } }],
            [{ name: 'times', template: 'say', arguments: m('{{= asInt(inputs.parameters.b) * 10 }}') }],
          ],
        },
        { name: 'inner', inputs: { parameters: [{ name: 'm' }] }, steps: [[{ name: 'deep', template: 'say', arguments: m('{{inputs.parameters.m}}') }]] },
        say,
      ],
    }),
  )
  assert.is(r.status, 'Succeeded', r.steps({ phase: ['Failed', 'Error'] }).map((s) => s.message).join('; '))
  assert.is(printed(r.steps({ name: 'deep' })[0]!), '1A')
  assert.is(printed(r.steps({ name: 'times' })[0]!), '20')
})


test("an argument artifact's subPath with tags is substituted per call (dflow's sliced artifacts)", async () => {
  const r = await run(
    wf({
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'gen', template: 'gen' }],
            [{ name: 'use', template: 'use', withItems: [{ foo: 'a' }, { foo: 'b' }], arguments: { artifacts: [{ name: 'f', from: '{{steps.gen.outputs.artifacts.parts}}', subPath: 'p-{{item.foo}}.txt' }] } }],
          ],
        },
        { ...echo('gen', 'mkdir -p /tmp/out; echo -n A > /tmp/out/p-a.txt; echo -n B > /tmp/out/p-b.txt'), outputs: { artifacts: [{ name: 'parts', path: '/tmp/out' }] } },
        { ...echo('use', 'cat /tmp/f'), inputs: { artifacts: [{ name: 'f', path: '/tmp/f' }] } },
      ],
    }),
  )
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  assert.equal(['use(0)', 'use(1)'].map((n) => printed(r.steps({ name: n })[0]!)), ['A', 'B'])
})

test('globalName: a dag task reads the workflow outputs a task before it exported; the run records them', async () => {
  const gen = {
    ...echo('gen', 'echo -n {{inputs.parameters.m}} > /tmp/m.txt'),
    inputs: { parameters: [{ name: 'm' }] },
    outputs: { parameters: [{ name: 'msg', valueFrom: { path: '/tmp/m.txt' }, globalName: 'greeting' }], artifacts: [{ name: 'msg', path: '/tmp/m.txt', globalName: 'file' }] },
  }
  const show = { ...echo('show', 'cat /in'), inputs: { artifacts: [{ name: 'f', path: '/in' }] } }
  const r = await run(
    dagWf(
      [
        { name: 'a', template: 'gen', arguments: m('first') },
        { name: 'b', template: 'gen', arguments: m('second'), depends: 'a' },
        { name: 'c', template: 'say', arguments: m('{{workflow.outputs.parameters.greeting}}'), depends: 'b' },
        { name: 'd', template: 'show', arguments: { artifacts: [{ name: 'f', from: '{{workflow.outputs.artifacts.file}}' }] }, depends: 'b' },
      ],
      gen,
      say,
      show,
    ),
  )
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  assert.is(r.step('c').log(), 'second\n')
  assert.is(r.step('d').log(), 'second')
  assert.is(r.record.outputs?.parameters.greeting, 'second')
})

test('globalName: a name with tags, and a tag naming a workflow output nothing exports, are errors with their paths', () => {
  const gen = (globalName: string) => ({ ...echo('gen', 'echo -n x > /tmp/m.txt'), inputs: { parameters: [{ name: 'm', value: 'g' }] }, outputs: { parameters: [{ name: 'msg', valueFrom: { path: '/tmp/m.txt' }, globalName }] } })
  const doc = (globalName: string, read: string) =>
    wf({ entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'a', template: 'gen' }], [{ name: 'b', template: 'say', arguments: m(read) }]] }, gen(globalName), say] })
  assert.equal(problemsOf(doc('{{inputs.parameters.m}}', 'x')), ['spec.templates.1.outputs.parameters.0.globalName: the workflow output name "{{inputs.parameters.m}}" uses tags, which the local importer cannot name at import'])
  assert.equal(problemsOf(doc('g', '{{workflow.outputs.parameters.other}}')), ['spec.templates.0.steps.1.0.arguments.parameters.0.value: {{workflow.outputs.parameters.other}}: no template exports a workflow output parameter "other"'])
})

test.run()
