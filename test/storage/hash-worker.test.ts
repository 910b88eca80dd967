/**
 * The hashing worker (lib/storage/hash-worker.ts) behind sha256File: the digest of what is on disk, for
 * empty, small and multi-buffer files, answered per request when several are in flight, and a missing file
 * rejected with the file system's code.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256File } from '../../lib/storage/digest.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: the hashing worker')
const tmp = tempDir('hash-worker')
test.after(() => tmp.cleanup())

const file = (name: string, bytes: Buffer): { path: string; want: string } => {
  const path = join(tmp.path, name)
  writeFileSync(path, bytes)
  return { path, want: createHash('sha256').update(bytes).digest('hex') }
}

test('sha256File gives the sha256 of the bytes on disk: empty, small, and larger than its 1 MiB read buffer', async () => {
  for (const [name, n] of [['empty', 0], ['small', 3], ['big', 3 * 1024 * 1024 + 17]] as const) {
    const f = file(name, randomBytes(n))
    assert.is(await sha256File(f.path), f.want, name)
  }
})

test('requests in flight at once are each answered with their own file digest', async () => {
  const files = Array.from({ length: 6 }, (_, i) => file(`f${i}`, randomBytes(200_000 + i * 100_000)))
  const got = await Promise.all(files.map((f) => sha256File(f.path)))
  assert.equal(got, files.map((f) => f.want))
})

test('a missing file rejects with ENOENT, and the worker answers the next request', async () => {
  const missing = join(tmp.path, 'nope')
  try {
    await sha256File(missing)
    assert.unreachable('hashed a missing file')
  } catch (e) {
    assert.is((e as { code?: string }).code, 'ENOENT')
    assert.match((e as Error).message, 'nope')
  }
  const f = file('after', Buffer.from('hello\n'))
  assert.is(await sha256File(f.path), f.want)
})

test.run()
