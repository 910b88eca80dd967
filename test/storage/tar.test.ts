/**
 * Archives (lib/storage/tar.ts): tar+gzip round trips, and extraction refuses entries that would land
 * outside the target — hand-made hostile archives, since no honest packer writes them.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { extractTar, packTar, treeDigest, UnsafeEntryError, walkTree } from '../../lib/storage/index.ts'
import { rawTgz, type RawEntry } from '../helpers/raw-tar.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: tar archives')
const tmp = tempDir('tar')
test.after(tmp.cleanup)
let n = 0
const fresh = () => {
  const d = join(tmp.path, `t${n++}`)
  mkdirSync(d, { recursive: true })
  return d
}

test('a folder packs with its base name on top and extracts to the same tree (nested files, an empty folder, an executable)', async () => {
  const d = fresh()
  const src = join(d, 'out')
  mkdirSync(join(src, 'sub', 'empty'), { recursive: true })
  writeFileSync(join(src, 'a.txt'), 'a\n')
  writeFileSync(join(src, 'sub', 'run.sh'), '#!/bin/sh\n')
  chmodSync(join(src, 'sub', 'run.sh'), 0o755)
  const into = join(d, 'x')
  mkdirSync(into)
  await extractTar(packTar(src), into)
  assert.ok(existsSync(join(into, 'out', 'sub', 'empty')), 'the empty folder is kept')
  assert.is(treeDigest(await walkTree(join(into, 'out'))), treeDigest(await walkTree(src)))
})

const refuses = (label: string, entries: RawEntry[], outside: string) =>
  test(`extraction refuses ${label}: rejects naming the entry, writes nothing outside the target`, async () => {
    const d = fresh()
    const into = join(d, 'target')
    mkdirSync(into)
    const err = await extractTar(Readable.from([rawTgz(entries)]), into).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.instance(err, UnsafeEntryError)
    assert.match((err as Error).message, 'refused')
    assert.not.ok(existsSync(join(d, outside)), `${outside} was not written`)
  })

refuses('a ".." path', [{ path: 'ok.txt', body: 'ok' }, { path: '../evil.txt', body: 'x' }], 'evil.txt')
refuses('a path that climbs out through a folder', [{ path: 'a/../../evil2.txt', body: 'x' }], 'evil2.txt')
refuses('an absolute path', [{ path: `${tmp.path}/abs-evil.txt`, body: 'x' }], '../abs-evil.txt')
refuses('a symlink pointing out, and a file written through it', [{ path: 'link', type: 'SymbolicLink', linkpath: '../' }, { path: 'link/evil3.txt', body: 'x' }], 'evil3.txt')
refuses('a symlink to an absolute path', [{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }], 'etc')
refuses('a hard link to a file outside', [{ path: 'h', type: 'Link', linkpath: '../secret' }], 'h')
refuses('a FIFO', [{ path: 'pipe', type: 'FIFO' }], 'pipe')

test('a symlink pointing inside the archive is kept', async () => {
  const d = fresh()
  const into = join(d, 'target')
  mkdirSync(into)
  await extractTar(Readable.from([rawTgz([{ path: 'dir/a.txt', body: 'a' }, { path: 'dir/l', type: 'SymbolicLink', linkpath: 'a.txt' }])]), into)
  assert.is(readlinkSync(join(into, 'dir', 'l')), 'a.txt')
  assert.is(readFileSync(join(into, 'dir', 'l'), 'utf8'), 'a')
})

test('packing follows a symlink: the archive holds what it points at', async () => {
  const d = fresh()
  const src = join(d, 'out')
  mkdirSync(src)
  writeFileSync(join(d, 'real.txt'), 'real')
  symlinkSync(join(d, 'real.txt'), join(src, 'l.txt'))
  const into = join(d, 'x')
  mkdirSync(into)
  await extractTar(packTar(src), into)
  assert.is(readFileSync(join(into, 'out', 'l.txt'), 'utf8'), 'real')
})

test('what packTar writes, GNU tar reads the same: long and non-ASCII names, a file over a MiB, a single file, modes', async () => {
  const d = fresh()
  const src = join(d, 'out')
  const long = join('a'.repeat(60), 'b'.repeat(60), 'c'.repeat(150), `${'é'.repeat(40)}.txt`)
  mkdirSync(join(src, long, '..'), { recursive: true })
  mkdirSync(join(src, 'empty'))
  writeFileSync(join(src, long), 'deep')
  const big = Buffer.alloc(3 * 1024 * 1024 + 7, 7)
  writeFileSync(join(src, 'big.bin'), big)
  writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n')
  chmodSync(join(src, 'run.sh'), 0o755)
  const tgz = join(d, 'out.tgz')
  const { pipeline } = await import('node:stream/promises')
  const { createWriteStream } = await import('node:fs')
  await pipeline(packTar(src), createWriteStream(tgz))
  const gnu = join(d, 'gnu')
  mkdirSync(gnu)
  const { execFileSync } = await import('node:child_process')
  execFileSync('tar', ['xzf', tgz, '-C', gnu])
  assert.is(treeDigest(await walkTree(join(gnu, 'out'))), treeDigest(await walkTree(src)), 'GNU tar extracts the same tree')
  assert.is(readFileSync(join(gnu, 'out', long), 'utf8'), 'deep')
  const listed = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n')
  assert.ok(listed.every((p) => p === 'out/' || p.startsWith('out/')), 'one top-level entry')
  const file = join(d, 'one')
  mkdirSync(file)
  await pipeline(packTar(join(src, 'run.sh')), createWriteStream(join(d, 'one.tgz')))
  execFileSync('tar', ['xzf', join(d, 'one.tgz'), '-C', file])
  assert.is(readFileSync(join(file, 'run.sh'), 'utf8'), '#!/bin/sh\n')
  const into = join(d, 'x')
  mkdirSync(into)
  await extractTar(packTar(src), into)
  assert.is(treeDigest(await walkTree(join(into, 'out'))), treeDigest(await walkTree(src)), 'and so does extractTar')
})

test.run()
