/**
 * Stacking (fan-in) and upload / download (dflow's upload_artifact / download_artifact), on the folder store
 * and on the S3 store against a real s3rver: the same artifacts, catalogs in dflow's format, the same path
 * objects back.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DflowError } from 'dflow-ts'
import { download, folderStore, formatRef, parseRef, relativeTo, s3Store, StoreError, upload, type ArtifactStore } from '../../lib/storage/index.ts'
import { artifactSources } from '../helpers/artifact-sources.ts'
import { S3RVER_CREDENTIALS, suiteS3rver } from '../helpers/s3rver.ts'

const test = suite('storage: stack, upload and download (folder store and s3rver)')
const { tmp, s3: server } = suiteS3rver(test, 'stack-transfer')
const src = artifactSources(join(tmp.path, 'src'))
mkdirSync(join(src, 'data', 'sub'), { recursive: true })
writeFileSync(join(src, 'data', 'a.txt'), 'A')
writeFileSync(join(src, 'data', 'sub', 'b.txt'), 'B')
let n = 0
const fresh = (name: string) => join(tmp.path, `got${n++}`, name)
const stores: [string, () => ArtifactStore][] = [
  ['folder', () => folderStore(join(tmp.path, 'store'))],
  ['s3', () => s3Store({ bucket: 'artifacts', prefix: 'runs', endpoint: server().endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })],
]
const catalogOf = (dir: string) => readFileSync(join(dir, '.dflow', 'catalog'), 'utf8')

for (const [kind, open] of stores) {
  test(`${kind}: a stack holds part i as entry i, holes left out, and a dflow catalog in item order`, async () => {
    const st = open()
    const a = (await st.put(join(src, 'hello.txt'), `wf/${kind}/fan-0/out`)).at
    const b = (await st.put(join(src, 'out'), `wf/${kind}/fan-1/out`)).at
    const d = (await st.put(join(src, 'hello.txt'), `wf/${kind}/fan-3/out`)).at
    const { at, info } = await st.stack([a, b, undefined, d], `wf/${kind}/fan/out`)
    assert.is(info.kind, 'folder')
    const to = fresh('out')
    await st.get(at, to)
    assert.is(readFileSync(join(to, '0'), 'utf8'), 'hello\n')
    assert.ok(existsSync(join(to, '1', 'sub', 'run.sh')))
    assert.not.ok(existsSync(join(to, '2')))
    assert.is(readFileSync(join(to, '3'), 'utf8'), 'hello\n')
    assert.is(catalogOf(to), '{"path_list": [{"dflow_list_item": "0", "order": 0}, {"dflow_list_item": "1", "order": 1}, {"dflow_list_item": "3", "order": 3}]}')
    assert.equal(await download(at, fresh('in'), { store: st }), ['0', '1', '3'].map((i) => join(tmp.path, `got${n - 1}`, 'in', i)))
    await st.close()
  })

  test(`${kind}: a stack of no parts is a folder with an empty catalog; a missing part fails naming its key and commits nothing`, async () => {
    const st = open()
    const { at } = await st.stack([undefined, undefined], `wf/${kind}/none/out`)
    const to = fresh('out')
    await st.get(at, to)
    assert.is(catalogOf(to), '{"path_list": []}')
    const e = await st.stack(['wf/never/out'], `wf/${kind}/missing/out`).catch((x: unknown) => x)
    assert.instance(e, StoreError)
    assert.is((e as StoreError).reason, 'missing-key')
    assert.match((e as Error).message, 'key "wf/never/out"')
    assert.is(await st.exists(`wf/${kind}/missing/out`), false)
    await st.close()
  })

  test(`${kind}: upload of a list of paths keeps them relative to cwd, with dflow's catalog; download gives the list back`, async () => {
    const st = open()
    const { at } = await upload(['data/sub/b.txt', 'data/a.txt'], { store: st, cwd: src })
    assert.match(at.key, /^upload\/sha256-[0-9a-f]{32}$/)
    const again = await upload(['data/sub/b.txt', 'data/a.txt'], { store: st, cwd: src })
    assert.is(again.at.key, at.key, 'the same content, the same key')
    const raw = fresh('raw')
    await st.get(at, raw)
    assert.is(catalogOf(raw), '{"path_list": [{"dflow_list_item": "data/sub/b.txt", "order": 0}, {"dflow_list_item": "data/a.txt", "order": 1}]}')
    const dir = fresh('in')
    const paths = await download(parseRef(formatRef(at, (await st.stat(at))?.archive)), dir, { store: st })
    assert.equal(paths, [join(dir, 'data', 'sub', 'b.txt'), join(dir, 'data', 'a.txt')])
    assert.is(readFileSync(join(dir, 'data', 'a.txt'), 'utf8'), 'A')
    assert.not.ok(existsSync(join(dir, '.dflow')), 'the catalog is removed, as dflow does')
    await st.close()
  })

  test(`${kind}: upload of a nested record and of one path; download of a plain file artifact names it after its key`, async () => {
    const st = open()
    const rec = await upload({ x: 'data/a.txt', y: { z: 'data/sub/b.txt' } }, { store: st, cwd: src })
    const dir = fresh('in')
    assert.equal(await download(rec.at, dir, { store: st }), { x: join(dir, 'data', 'a.txt'), y: { z: join(dir, 'data', 'sub', 'b.txt') } })
    const one = await upload('hello.txt', { store: st, cwd: src })
    const dir1 = fresh('in')
    assert.equal(await download(one.at, dir1, { store: st }), [join(dir1, 'hello.txt')], 'one path comes back as a list of one, as in dflow')
    const { at } = await st.put(join(src, 'hello.txt'), `wf/${kind}/hello/bar`)
    const dir2 = fresh('in')
    assert.is(await download(at, dir2, { store: st }), join(dir2, 'bar'))
    assert.is(readFileSync(join(dir2, 'bar'), 'utf8'), 'hello\n')
    await st.close()
  })

  test(`${kind}: uploading a path that does not exist is an error naming it, and stores nothing`, async () => {
    const st = open()
    const e = await upload(['data/a.txt', 'nope.txt'], { store: st, cwd: src }).catch((x: unknown) => x)
    assert.instance(e, DflowError)
    assert.match((e as Error).message, join(src, 'nope.txt'))
    await st.close()
  })
}

test('a REF is the S3 object (s3://BUCKET/KEY, .tgz for tar) or file:///DIR#KEY; anything else is refused saying what a REF is', () => {
  assert.is(formatRef({ store: 's3://artifacts/runs/', key: 'upload/x' }, 'tar'), 's3://artifacts/runs/upload/x.tgz')
  assert.is(formatRef({ store: 's3://artifacts/runs/', key: 'upload/x' }, 'none'), 's3://artifacts/runs/upload/x')
  assert.equal(parseRef('s3://artifacts/runs/upload/x.tgz'), { store: 's3://artifacts/', key: 'runs/upload/x' })
  assert.equal(parseRef('s3://artifacts/runs/upload/x'), { store: 's3://artifacts/', key: 'runs/upload/x' })
  assert.equal(relativeTo(parseRef('s3://artifacts/runs/upload/x.tgz'), 's3://artifacts/runs/'), { store: 's3://artifacts/runs/', key: 'upload/x' })
  assert.is(relativeTo(parseRef('s3://artifacts/runs/upload/x.tgz'), 's3://other/'), undefined)
  assert.equal(parseRef('file:///tmp/store#a/b'), { store: 'file:///tmp/store', key: 'a/b' })
  assert.is(formatRef({ store: 'file:///tmp/store', key: 'a/b' }), 'file:///tmp/store#a/b')
  for (const bad of ['upload/x', 's3://artifacts/', 'http://x#k', 'file:///tmp#../x', 's3://artifacts/a/../b']) assert.throws(() => parseRef(bad), (e: unknown) => e instanceof DflowError, bad)
})

test.run()
