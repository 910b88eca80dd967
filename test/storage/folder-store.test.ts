/**
 * The folder store (lib/storage/folder-store.ts): put and get of files and folders, the content digest,
 * private modes whatever the umask, commit by rename (nothing half-made is ever visible), refused keys.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DflowError } from 'dflow-ts'
import { folderStore, StoreError, treeDigest, walkTree } from '../../lib/storage/index.ts'
import { artifactSources, HELLO_SHA256 } from '../helpers/artifact-sources.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: folder store')
const tmp = tempDir('folder-store')
test.after(tmp.cleanup)
const root = join(tmp.path, 'store')
const store = folderStore(root)
const src = artifactSources(join(tmp.path, 'src'))

test('a file is committed under its key with its sha256; .path is the content; get writes it back', async () => {
  const { at, info } = await store.put(join(src, 'hello.txt'), 'wf-1/hello/bar')
  assert.equal(info, { kind: 'file', archive: 'none', size: 6, digest: HELLO_SHA256 })
  assert.is(at.store, `file://${root}`)
  assert.is(readFileSync(at.path as string, 'utf8'), 'hello\n')
  assert.equal(await store.stat('wf-1/hello/bar'), info)
  assert.ok(await store.exists(at))
  const to = join(tmp.path, 'got', 'bar.txt')
  assert.equal(await store.get(at, to), info)
  assert.is(readFileSync(to, 'utf8'), 'hello\n')
})

test('a folder keeps its tree (an empty folder, an executable) and its digest is the tree digest', async () => {
  const { at, info } = await store.put(join(src, 'out'), 'wf-1/hello/out')
  assert.is(info.kind, 'folder')
  assert.is(info.digest, treeDigest(await walkTree(join(src, 'out'))))
  const to = join(tmp.path, 'got', 'out')
  await store.get(at, to)
  assert.ok(existsSync(join(to, 'sub', 'empty')))
  assert.is(treeDigest(await walkTree(to)), info.digest)
})

test('everything the store writes is private to its owner (0700 folders, 0600 files, 0700 executables) under umask 022', async () => {
  const old = process.umask(0o022)
  try {
    const { at } = await store.put(join(src, 'out'), 'wf-1/modes/out')
    const modes = (p: string): string[] =>
      readdirSync(p).flatMap((n) => {
        const q = join(p, n)
        const m = `${n}:${(statSync(q).mode & 0o777).toString(8)}`
        return statSync(q).isDirectory() ? [m, ...modes(q)] : [m]
      })
    assert.equal(modes(join(root, 'wf-1', 'modes')), ['out:700', 'content:700', 'a.txt:600', 'sub:700', 'empty:700', 'run.sh:700', 'meta.json:600'])
    assert.is(statSync(at.path as string).mode & 0o777, 0o700)
  } finally {
    process.umask(old)
  }
})

test('putting a key again replaces what was committed there', async () => {
  await store.put(join(src, 'hello.txt'), 'wf-1/again/x')
  const { info } = await store.put(join(src, 'out'), 'wf-1/again/x')
  assert.equal(await store.stat('wf-1/again/x'), info)
  assert.is(info.kind, 'folder')
})

test('a put stopped half-way commits nothing and leaves nothing but its scratch space cleaned', async () => {
  const ac = new AbortController()
  ac.abort()
  const err = await store.put(join(src, 'out'), 'wf-1/stopped/out', { signal: ac.signal }).catch((e: unknown) => e)
  assert.instance(err, StoreError)
  assert.is(await store.exists('wf-1/stopped/out'), false)
  assert.equal(readdirSync(join(root, '.dflow-tmp')), [])
})

test('what a killed put leaves in .dflow-tmp is never an artifact', async () => {
  mkdirSync(join(root, '.dflow-tmp', 'put-killed', 'content'), { recursive: true })
  writeFileSync(join(root, '.dflow-tmp', 'put-killed', 'meta.json'), '{}')
  assert.is(await store.exists('wf-1/killed'), false)
  const err = await store.stat('.dflow-tmp/put-killed').catch((e: unknown) => e)
  assert.ok(err instanceof DflowError && /segment/.test(err.message), "the store's own names are no keys")
})

test('a missing key: stat is undefined, get fails naming the store and the key and creates nothing', async () => {
  assert.is(await store.stat('wf-1/none'), undefined)
  const to = join(tmp.path, 'got', 'none')
  const err = await store.get('wf-1/none', to).catch((e: unknown) => e)
  assert.instance(err, StoreError)
  assert.is((err as StoreError).reason, 'missing-key')
  assert.match((err as Error).message, `file://${root}: key "wf-1/none": nothing is committed`)
  assert.not.ok(existsSync(to))
})

test('keys that could leave the store or nest in another key are refused', async () => {
  for (const key of ['../x', '/abs', 'a//b', 'a/./b', '.hidden', ''])
    assert.instance(await store.put(join(src, 'hello.txt'), key).catch((e: unknown) => e), DflowError, key)
  const err = await store.put(join(src, 'hello.txt'), 'wf-1/hello/bar/inner').catch((e: unknown) => e)
  assert.match((err as Error).message, 'keys do not nest')
})

test.run()
