/**
 * The hasher behind a writer (lib/storage/hash-behind.ts), which the S3 store's large downloads use: the
 * digest of every byte of a file written in pieces with pauses between them (the worker waits at the end of
 * what is written, and wakes when told), of a file not created yet when asked, several in turn, and a
 * cancelled one that answers nothing and leaves the worker serving the next.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { hashBehind } from '../../lib/storage/hash-behind.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: hashing a file behind its writer')
const tmp = tempDir('hash-behind')
test.after(() => tmp.cleanup())
let n = 0

/** Writes `pieces` to a new file with a pause after each, telling the hasher; returns the sha256 it answers and the one wanted. */
const written = async (pieces: readonly Buffer[], pauseMs: number) => {
  const path = join(tmp.path, `f${n++}`)
  const h = hashBehind(path)
  await new Promise((r) => setTimeout(r, pauseMs)) // the worker is asked before the file exists
  const out = createWriteStream(path)
  for (const p of pieces) {
    await new Promise<void>((r, j) => out.write(p, (e) => (e ? j(e) : r())))
    h.wrote(p)
    await new Promise((r) => setTimeout(r, pauseMs))
  }
  await new Promise<void>((r) => out.end(r))
  return { got: await h.done(), want: createHash('sha256').update(Buffer.concat(pieces)).digest('hex') }
}

test('every byte of a file written in pieces with pauses, larger than the 1 MiB read buffer; and an empty file', async () => {
  const big = await written(Array.from({ length: 5 }, (_, i) => randomBytes(700_000 + i)), 30)
  assert.is(big.got, big.want)
  const empty = await written([], 20)
  assert.is(empty.got, empty.want)
})

test('requests made at once are answered in turn, each with its own file', async () => {
  const all = await Promise.all([0, 1, 2].map((i) => written([randomBytes(300_000 + i), randomBytes(5)], 15)))
  for (const r of all) assert.is(r.got, r.want)
})

test('a cancelled request answers nothing (its file may never exist) and the worker serves the next', async () => {
  const h = hashBehind(join(tmp.path, 'never'))
  h.cancel()
  const next = await written([randomBytes(1000)], 5)
  assert.is(next.got, next.want)
})

test.run()
