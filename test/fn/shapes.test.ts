/**
 * How the function OP runtime (locally and in a pod) reads a shaped input artifact that carries no
 * structure file: a fan-in folder on Argo holds one entry per call, named by its item index.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readShaped } from '../../lib/fn/shapes.ts'
import { tempDir } from '../helpers/tmp.ts'

const tmp = tempDir('fn-shapes')
test.after(tmp.cleanup)

test('entries named by item index are listed in index order (10 after 9), a call left out leaves a gap', () => {
  const dir = join(tmp.path, 'fan-in')
  mkdirSync(dir)
  for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]) writeFileSync(join(dir, String(i)), `${i}\n`)
  assert.equal(readShaped(dir, 'list'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12].map((i) => join(dir, String(i))))
})

test('other names stay in name order', () => {
  const dir = join(tmp.path, 'named')
  mkdirSync(dir)
  for (const n of ['b', '10', '9', 'a']) writeFileSync(join(dir, n), n)
  assert.equal(readShaped(dir, 'list'), ['10', '9', 'a', 'b'].map((n) => join(dir, n)))
})

test.run()
