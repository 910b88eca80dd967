/**
 * One lane of the test runner (`test/run.ts`): a process that is sent test files one at a time over IPC,
 * runs each file's uvu suites, and answers with the file's report (what uvu printed for it) and its counts.
 * A file that cannot be imported is reported as one failed test with the error.
 *
 * @example
 * ```ts
 * fork('test/runner/worker.ts', [root], { execArgv: process.execArgv }).send({ file: 'local/fan-in.test.ts' })
 * ```
 */
import '../../lib/loader/register.ts'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FileReport } from './lanes.ts'

type Run = () => Promise<[string | true, number, number, number]>
const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: [string | null, ...Run[]][] }
g.UVU_DEFER = 1
await import('uvu')

const root = process.argv[2]!
const write = process.stdout.write.bind(process.stdout)

/** Runs one file's suites with uvu's own runner, collecting what uvu writes for it. */
const runFile = async (file: string, index: number): Promise<FileReport> => {
  let out = ''
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true)) as typeof process.stdout.write
  let passed = 0
  let total = 0
  let skipped = 0
  try {
    g.UVU_QUEUE[index] = [file]
    g.UVU_INDEX = index
    await import(pathToFileURL(join(root, file)).href)
    out += `${file}\n`
    for (const run of g.UVU_QUEUE[index]!.slice(1) as Run[]) {
      const [errors, ran, skip, max] = await run()
      passed += ran
      total += max
      skipped += skip
      if (errors !== true) out += `\n${errors}\n`
    }
  } catch (e) {
    out += `${file}\n\n  ✘ the file could not be loaded: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`
    total = Math.max(total, passed + 1)
  } finally {
    process.stdout.write = write
  }
  return { file, out, passed, failed: total - passed, skipped }
}

let next = 0
process.on('message', (m: { file?: string }) => {
  if (!m.file) return process.disconnect()
  void runFile(m.file, next++).then((r) => process.send!(r))
})
process.send!({ ready: true })
