import { execFileSync } from 'node:child_process'
import { existsSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Runner } from './runner.ts'

/**
 * The commit the local workloads are compared with: the last one before the scheduler moved out of
 * lib/local into lib/engine (issue 10's cut). `BENCH_BASELINE` names another commit or ref.
 */
export const BASELINE_REF = process.env.BENCH_BASELINE ?? '0a3c714'

const repo = new URL('..', import.meta.url).pathname

/** Where the baseline's worktree goes: beside the bench's own temporary root, made once per bench run. */
const worktreeOf = (root: string): string => join(root, 'baseline')

let made: Promise<Runner | string> | undefined

/**
 * A detached git worktree of {@link BASELINE_REF} under the bench root, with this checkout's node_modules
 * linked in (the dependencies are the same), and that checkout's own `dflowTs` runner: its DSL builds the
 * workflow values and its local interpreter runs them, in this process, side by side with ours.
 */
const load = (root: string): Promise<Runner | string> =>
  (made ??= (async () => {
    const dir = worktreeOf(root)
    try {
      execFileSync('git', ['-C', repo, 'rev-parse', '--verify', `${BASELINE_REF}^{commit}`], { stdio: 'pipe' })
    } catch {
      return `baseline commit ${BASELINE_REF} is not in this clone (set BENCH_BASELINE to a commit it has)`
    }
    if (!existsSync(dir)) execFileSync('git', ['-C', repo, 'worktree', 'add', '--detach', dir, BASELINE_REF], { stdio: 'pipe' })
    process.on('exit', () => {
      try {
        execFileSync('git', ['-C', repo, 'worktree', 'remove', '--force', dir], { stdio: 'pipe' })
      } catch {
        // the bench root is removed anyway; `git worktree prune` forgets it
      }
    })
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
    const m = (await import(new URL(`file://${join(dir, 'bench', 'dflow-ts.ts')}`).href)) as { dflowTs?: Runner }
    if (!m.dflowTs) return `baseline ${BASELINE_REF} has no bench/dflow-ts.ts runner`
    const why = await m.dflowTs.probe()
    return why ? `baseline ${BASELINE_REF}: ${why}` : m.dflowTs
  })())

/**
 * The same local workloads on the pre-refactor commit ({@link BASELINE_REF}), for "within 10% of it".
 *
 * @example
 * ```ts
 * const r = baseline(benchRoot())
 * await r.probe() // undefined, or why the baseline cannot run here
 * ```
 */
export const baseline = (root: string): Runner => ({
  name: `dflow-ts at ${BASELINE_REF}`,
  probe: async () => {
    const r = await load(root)
    return typeof r === 'string' ? r : undefined
  },
  version: async () => `the local interpreter of commit ${execFileSync('git', ['-C', repo, 'rev-parse', '--short', BASELINE_REF], { encoding: 'utf8' }).trim()} (git worktree)`,
  prepare: async (w, n, dir) => {
    const r = await load(root)
    if (typeof r === 'string') throw new Error(r)
    return r.prepare(w, n, dir)
  },
})
