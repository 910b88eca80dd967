import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { folderStore, local, openRun, type ArtifactOutput, type ArtifactStore } from 'dflow-ts/local'
import stepsWf from '../../examples/steps.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * Artifacts are locations (a store and a key), never bare paths: by default an output stays where its step
 * wrote it (its location is that file), and with `local({ store })` every output is committed to the store
 * under `<run id>/<step id>/<name>` and inputs are staged from it — also from a store whose locations have no
 * local path, which the executor must fetch through `store.get`.
 */
/** An artifact of a step looked up by name (its view's values are unknown until decoded by a step value). */
const art = (v: unknown): ArtifactOutput => v as ArtifactOutput

const test = suite('local: artifacts are locations in a store')
const tmp = tempDir('artifact-locations')
test.after(tmp.cleanup)

/** A real folder store that hides where its content is: its locations carry no `.path`, so readers must `get`. */
const remoteLike = (dir: string): ArtifactStore => {
  const inner = folderStore(dir)
  const strip = <A extends { at: { store: string; key: string } }>(c: A): A => ({ ...c, at: { store: c.at.store, key: c.at.key } })
  return { ...inner, put: async (p, k, o) => strip(await inner.put(p, k, o)) }
}

test('without a store an output artifact is the file its step wrote, with download(dir)', async () => {
  const run = await local({ runsDir: join(tmp.path, 'runs') }).run(stepsWf, { runId: 'plain' })
  assert.is(run.status, 'Succeeded', run.message)
  const bar = art(run.step('hello3').outputs.bar)
  assert.is(bar.store, 'file:///')
  assert.is(bar.path, join(run.dir, 'steps', 'hello3', 'workdir', 'bar.txt'))
  assert.is(bar.key, bar.path!.slice(1))
  const got = await bar.download(join(tmp.path, 'got-plain'))
  assert.is(got, join(tmp.path, 'got-plain', 'bar.txt'))
  assert.is(readFileSync(got, 'utf8'), 'Hello\n'.repeat(4))
})

test('with a folder store every output is committed under <run id>/<step id>/<name> and inputs come from it', async () => {
  const store = folderStore(join(tmp.path, 'store'))
  const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(stepsWf, { runId: 'stored' })
  assert.is(run.status, 'Succeeded', run.message)
  const bar = art(run.step('hello3').outputs.bar)
  assert.is(bar.store, store.id)
  assert.is(bar.key, 'stored/hello3/bar')
  assert.is(readFileSync(bar.path!, 'utf8'), 'Hello\n'.repeat(4))
  assert.is((await store.stat('stored/hello0/bar'))?.kind, 'file')
  // hello1 read hello0's bar from the store
  assert.is(art(run.step('hello1').inputs.foo).key, 'stored/hello0/bar')
  const again = await openRun(run.dir, stepsWf)
  assert.is(art(again.step('hello3').outputs.bar).key, 'stored/hello3/bar')
})

test('with a store whose locations have no local path, inputs are fetched from it and download goes through it', async () => {
  const store = remoteLike(join(tmp.path, 'remote'))
  const run = await local({ runsDir: join(tmp.path, 'runs'), store }).run(stepsWf, { runId: 'remote' })
  assert.is(run.status, 'Succeeded', run.message)
  assert.equal(run.steps().map((s) => s.outputs.msg), [1, 2, 4, 4])
  const bar = art(run.step('hello3').outputs.bar)
  assert.is(bar.path, undefined)
  assert.is(bar.key, 'remote/hello3/bar')
  // the input was fetched into hello1's folder, not linked
  assert.ok(existsSync(join(run.dir, 'steps', 'hello1', 'inputs', 'artifacts', 'foo')))
  const got = await bar.download(join(tmp.path, 'got-remote'))
  assert.is(readFileSync(got, 'utf8'), 'Hello\n'.repeat(4))
  // read back without the store, a location not on this machine cannot be downloaded, and says why
  const reopened = await openRun(run.dir, stepsWf)
  try {
    await art(reopened.step('hello3').outputs.bar).download(join(tmp.path, 'got-none'))
    assert.unreachable('downloaded without its store')
  } catch (e) {
    assert.match((e as Error).message, `is in store ${store.id}`)
  }
  const withStore = await openRun(run.dir, stepsWf, { store })
  assert.is(readFileSync(await art(withStore.step('hello3').outputs.bar).download(join(tmp.path, 'got-again')), 'utf8'), 'Hello\n'.repeat(4))
})

test.run()
