/**
 * Runs every `*.test.ts` under test/ (or those whose path matches the path regex) with uvu in one
 * process, and ends with the line CI reads: `N passed, N failed` (skipped tests are counted on the line before).
 * Heavy suites are named `*.heavy.test.ts` and run only with `--all` (`npm run test:all`, which CI runs).
 *
 * Usage: node --import tsx test/run.ts [--all] [path-regex]
 * (The loader's hooks make `dflow-ts` resolve to the sources here, as `npm test`'s `--conditions=source` does,
 * never to a build in dist/ that may be stale.)
 */
import '../lib/loader/register.ts'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

type Run = () => Promise<[string | true, number, number, number]>
const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: [string | null, ...Run[]][] }
g.UVU_DEFER = 1
await import('uvu')

const root = fileURLToPath(new URL('.', import.meta.url))
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : []
  })
const args = process.argv.slice(2)
const all = args.includes('--all')
const pattern = args.find((a) => a !== '--all')
const filter = pattern ? new RegExp(pattern) : undefined
const files = walk(root)
  .sort()
  .filter((f) => all || !f.endsWith('.heavy.test.ts'))
  .filter((f) => !filter || filter.test(relative(root, f)))

files.forEach((f, i) => {
  g.UVU_QUEUE[i] = [relative(root, f)]
})
for (const [i, f] of files.entries()) {
  g.UVU_INDEX = i
  await import(pathToFileURL(f).href)
}

let passed = 0
let total = 0
let skipped = 0
for (const [name, ...runs] of g.UVU_QUEUE) {
  if (name) process.stdout.write(`${name}\n`)
  for (const run of runs) {
    const [errors, ran, skip, max] = await run()
    passed += ran
    total += max
    skipped += skip
    if (errors !== true) process.stdout.write(`\n${errors}\n`)
  }
}
const failed = total - passed
process.stdout.write(`\n${skipped} skipped\n${passed} passed, ${failed} failed\n`)
process.exitCode = failed > 0 || total === 0 ? 1 : 0
