import { posix } from 'node:path'
import type { RunLayout } from '../run/layout.ts'
import type { Context } from './context/types.ts'

/**
 * Where a run's files are for its batch jobs. A step's folder is prepared in the local run folder (inputs
 * staged, script written) as the local interpreter prepares it; with a local context (a shared filesystem)
 * the job runs in that very folder, and with a remote one (SSH) the folder is copied to the step's folder
 * under the context's layout, the job runs there, and the folder is copied back before its outputs are read.
 * Paths given to the job (script, inputs, outputs, log) are mapped from the local folder to the remote one.
 *
 * @example
 * ```ts
 * const p = runPlace(runLayout('/runs/r1'), sshContext(cfg), 'r1')
 * p.step('a').remote                           // '/scratch/me/r1/steps/a'
 * p.toRemote('a', '/runs/r1/steps/a/workdir')  // '/scratch/me/r1/steps/a/workdir'
 * ```
 */
export interface RunPlace {
  /** Whether jobs run in the local run folder itself (a local context). */
  readonly inPlace: boolean
  /** The run's folder on the jobs' side. */
  readonly run: string
  /** The folder of job scripts and scheduler output. */
  readonly jobs: string
  /** The run's scripts folder on the jobs' side (`scripts/` of the run folder, mapped). */
  readonly scripts: string
  /** A step's folder here and on the jobs' side. */
  readonly step: (id: string) => { readonly local: string; readonly remote: string }
  /** A local path of the step's folder (or of the run's scripts) as the job sees it; any other path as it is. */
  readonly toRemote: (id: string, localPath: string) => string
}

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`)

/**
 * The place of a run's jobs: in the run folder for a local context, else under the context's layout.
 *
 * @example
 * ```ts
 * runPlace(runLayout('/runs/r1'), localContext({ root: '/runs' }), 'r1').inPlace // true
 * ```
 */
export const runPlace = (layout: RunLayout, ctx: Context, runId: string): RunPlace => {
  const inPlace = ctx.name === 'local'
  const run = inPlace ? layout.dir : ctx.layout.run(runId)
  const step = (id: string) => ({ local: layout.stepDir(id), remote: inPlace ? layout.stepDir(id) : ctx.layout.step(runId, id) })
  const scripts = inPlace ? layout.scriptsDir : posix.join(run, 'scripts')
  return {
    inPlace,
    run,
    jobs: posix.join(run, 'jobs'),
    scripts,
    step,
    toRemote: (id, p) => {
      if (inPlace) return p
      const s = step(id)
      if (under(p, s.local)) return s.remote + p.slice(s.local.length)
      if (under(p, layout.scriptsDir)) return scripts + p.slice(layout.scriptsDir.length)
      return p
    },
  }
}
