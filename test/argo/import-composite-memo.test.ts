import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'

/** Argo's memoize on a steps or dag template, run locally: a hit serves the template's outputs and runs none of its steps. */
const tmp = tempDir('argo-composite-memo')
test.after(tmp.cleanup)

const m = (v: string) => ({ parameters: [{ name: 'm', value: v }] })

/**
 * main calls the memoized steps template `pair` three times, one after another, with m = the three values;
 * pair's one step `w` writes m and a fresh uuid to its output hello and to its artifact f, so a call served
 * from the cache gives the uuid it was cached with. `fail`: w then exits 1.
 */
const doc = (values: readonly [string, string, string], memoize: Record<string, unknown>, fail = false) =>
  wf({
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: (['one', 'two', 'other'] as const).map((name, i) => [{ name, template: 'pair', arguments: m(values[i]!) }]) },
      {
        name: 'pair',
        inputs: { parameters: [{ name: 'm' }] },
        memoize,
        steps: [[{ name: 'w', template: 'w', arguments: m('{{inputs.parameters.m}}') }]],
        outputs: {
          parameters: [{ name: 'hello', valueFrom: { parameter: '{{steps.w.outputs.parameters.hello}}' } }],
          artifacts: [{ name: 'f', from: '{{steps.w.outputs.artifacts.f}}' }],
        },
      },
      {
        ...echo('w', `echo -n {{inputs.parameters.m}}-$(cat /proc/sys/kernel/random/uuid) > /tmp/h.txt; cp /tmp/h.txt /tmp/f.txt${fail ? '; exit 1' : ''}`),
        inputs: { parameters: [{ name: 'm' }] },
        outputs: { parameters: [{ name: 'hello', valueFrom: { path: '/tmp/h.txt' } }], artifacts: [{ name: 'f', path: '/tmp/f.txt', archive: { none: {} } }] },
      },
    ],
  })

const options = (name: string) => ({ memoizeDir: join(tmp.path, name, 'memo'), artifactRepository: join(tmp.path, name, 'repo') })
const run = async (d: unknown, o: ReturnType<typeof options>) => {
  const imported = importWorkflow(d, o)
  assert.ok(imported.composite, 'the import gives the composite memoize for the run')
  return local({ runsDir: join(tmp.path, 'runs') }).run(imported.workflow, { composite: imported.composite! })
}

/** Each call's hello and f, and whether its step w ran. */
const calls = async (d: unknown, o: ReturnType<typeof options>) => {
  const r = await run(d, o)
  assert.is(r.status, 'Succeeded', r.steps({ phase: 'Failed' }).map((s) => s.message).join('; '))
  return ['one', 'two', 'other'].map((n) => {
    const call = r.steps({ name: n })[0]!
    assert.is(call.phase, 'Succeeded')
    const out = call.outputs as Record<string, unknown>
    const ran = r.steps().some((s) => s.id.startsWith(`${call.id}.`) && s.record.template === 'w')
    return { hello: String(out.hello), f: readFileSync((out.f as { path: string }).path, 'utf8'), ran }
  })
}

const KEYED = { key: 'pair-{{inputs.parameters.m}}', maxAge: '1h', cache: { configMap: { name: 'pair-cm' } } }

test('a memoized steps template: a call with a key cached within maxAge is served its outputs (parameters and artifacts), and its steps do not run', async () => {
  const o = options('hit')
  const [one, two, other] = await calls(doc(['x', 'x', 'y'], KEYED), o)
  assert.match(one!.hello, /^x-/)
  assert.is(one!.f, one!.hello)
  assert.equal(two, { ...one!, ran: false }, 'two is served one\'s outputs, without running w')
  assert.ok(one!.ran && other!.ran)
  assert.match(other!.hello, /^y-/)
  // the ConfigMap file holds the entries in Argo's format, the artifact by its key in the repository
  const cm = JSON.parse(readFileSync(join(o.memoizeDir, 'pair-cm.json'), 'utf8')) as { data: Record<string, string> }
  assert.equal(Object.keys(cm.data).sort(), ['pair-x', 'pair-y'])
  const entry = JSON.parse(cm.data['pair-x']!) as { outputs: { parameters: { name: string; value: string }[]; artifacts: { name: string; s3: { key: string } }[] } }
  assert.equal(entry.outputs.parameters, [{ name: 'hello', value: one!.hello }])
  assert.is(readFileSync(join(o.artifactRepository, entry.outputs.artifacts[0]!.s3.key), 'utf8'), one!.hello)
  // a second run finds every entry: nothing of pair runs
  const again = await calls(doc(['x', 'x', 'y'], KEYED), o)
  assert.equal(again, [{ ...one!, ran: false }, { ...one!, ran: false }, { ...other!, ran: false }])
})

test('a memoized steps template: an entry older than maxAge is a miss, and the call runs again', async () => {
  const o = options('stale')
  const [one, two] = await calls(doc(['x', 'x', 'y'], KEYED), o)
  assert.is(two!.ran, false, 'within maxAge, two is served')
  const stale = await calls(doc(['x', 'x', 'y'], { ...KEYED, maxAge: '0s' }), o)
  assert.ok(stale.every((c) => c.ran), 'every call runs again')
  assert.is.not(stale[0]!.hello, one!.hello)
})

test('a memoized dag template: the same, a hit runs none of its tasks', async () => {
  const d = doc(['x', 'x', 'y'], { ...KEYED, cache: { configMap: { name: 'dag-cm' } } }) as unknown as { spec: { templates: Record<string, any>[] } }
  const pair = d.spec.templates[1]!
  delete pair.steps
  pair.dag = { tasks: [{ name: 'w', template: 'w', arguments: m('{{inputs.parameters.m}}') }] }
  pair.outputs = { parameters: [{ name: 'hello', valueFrom: { parameter: '{{tasks.w.outputs.parameters.hello}}' } }], artifacts: [{ name: 'f', from: '{{tasks.w.outputs.artifacts.f}}' }] }
  const [one, two, other] = await calls(d, options('dag'))
  assert.equal(two, { ...one!, ran: false })
  assert.ok(one!.ran && other!.ran)
})

test('a memoized steps template that fails is not stored; a key with an expression is refused at import', async () => {
  const o = options('failed')
  const r = await run(doc(['x', 'x', 'y'], KEYED, true), o)
  assert.is(r.status, 'Failed')
  const cmFile = join(o.memoizeDir, 'pair-cm.json')
  assert.ok(!existsSync(cmFile) || Object.keys(JSON.parse(readFileSync(cmFile, 'utf8')).data).length === 0, 'no entry for a failed call')
  assert.equal(problemsOf(doc(['x', 'x', 'y'], { ...KEYED, key: 'pair-{{=sprig.upper(inputs.parameters.m)}}' })), [
    "spec.templates.1.memoize.key: the tag {{=sprig.upper(inputs.parameters.m)}} is not supported locally in a steps or dag template's memoize key",
  ])
})

test.run()
