// `dflow run FILE --cache` caches every step by content; `dflow steps` says which steps came from the cache.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { dflowIn } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('cache: dflow run --cache and dflow steps')
const tmp = tempDir('cli-cache')
test.after(tmp.cleanup)

test('a second dflow run --cache takes the step from the cache, and dflow steps shows where from', () => {
  writeFileSync(
    join(tmp.path, 'wf.ts'),
    `import { param, shell, sh, step, t, workflow } from 'dflow-ts'
const greet = shell({ name: 'greet', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: () => sh\`echo run >> ran.log; echo 41 > \${'n.txt'}\` })
export default workflow('cli-cache', step('hello', greet))
`,
  )
  const first = dflowIn(tmp.path, 'run', 'wf.ts', '--cache', '-q')
  assert.is(first.code, 0, first.err + first.out)
  const second = dflowIn(tmp.path, 'run', 'wf.ts', '--cache', '-q')
  assert.is(second.code, 0, second.err + second.out)
  const steps = dflowIn(tmp.path, 'steps')
  assert.is(steps.code, 0, steps.err)
  assert.match(steps.out, /hello\s+Succeeded.*\(from the cache: cli-cache-\S+ hello\)/)
  const plain = dflowIn(tmp.path, 'run', 'wf.ts', '-q')
  assert.is(plain.code, 0)
  assert.not.match(dflowIn(tmp.path, 'steps').out, /from the cache/, 'without --cache the step runs')
})

test.run()
