/** The test runner's lanes (test/runner/lanes.ts): a worker that dies costs only its file, and says why. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileURLToPath } from 'node:url'
import { runLanes } from './runner/lanes.ts'

const root = fileURLToPath(new URL('.', import.meta.url))

test('a worker that dies is one failed test, and its report shows what it wrote to stderr', async () => {
  const printed: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  const errWrite = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((c: string) => (printed.push(String(c)), true)) as typeof process.stdout.write
  process.stderr.write = (() => true) as typeof process.stderr.write
  try {
    const totals = await runLanes(root, [{ files: ['fixtures/runner/dies.ts', 'dsl/types.test.ts'], lanes: 1 }])
    assert.equal(totals.failed, 1)
    assert.ok(totals.passed > 0, 'the file after it ran in a new worker')
  } finally {
    process.stdout.write = write
    process.stderr.write = errWrite
  }
  const out = printed.join('')
  assert.match(out, /fixtures\/runner\/dies\.ts\n\n {2}✘ the test process died \(exit code 1\) while running this file; the end of its stderr:/)
  assert.match(out, /^ {4}Error: an error no test caught: runner fixture$/m)
})

test.run()
