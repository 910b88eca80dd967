import { createHash } from 'node:crypto'
import { join } from 'node:path'

// Every folder the driver makes in a run folder, and every file it writes there, is private to its owner.
export { PRIVATE_DIR, PRIVATE_FILE } from '../storage/modes.ts'

/**
 * The run folder, one per run (dflow's debug layout, without its shared `children` file):
 *
 * ```
 * <runsDir>/<run id>/
 *   workflow.json                 status, parameters, times, failure (driver only, written atomically)
 *   steps.jsonl                   the step journal: one JSON line per change of a step's state (driver only)
 *   restart.json                  what `dflow restart` needs: the source file, the value's identity, settings
 *   suspended                     present while the run is suspended (`dflow suspend`): no new step starts
 *   scripts/<template>            each template's script as actually run (values arrive as variables,
 *                                 so one script serves every call of a template)
 *   values/<sha256>               each parameter over 4096 characters, once (see value-store.ts)
 *   steps/<step id>/
 *     log.txt                     stdout and stderr, interleaved
 *     progress                    `current/total`, written by the step (DFLOW_PROGRESS_FILE)
 *     attempts/<n>/               what earlier attempts of a retried step left (work folder, log…)
 *     workdir/                    the step's current folder; declared paths live here
 *     inputs/artifacts/<name>     an input artifact whose template declares no path (symlink or copy)
 *     outputs/parameters/<name>   an output whose template declares no path (the script writes it here)
 *     outputs/artifacts/<name>
 * ```
 *
 * Step ids are the step names joined by "." through sub-workflows (`outer.inner`): unique, readable,
 * deterministic. A step id names its folder (ids longer than 200 bytes, from deep recursion, are cut and
 * get a hash of the whole id); no two steps share a file, and only the driver writes the
 * journal.
 *
 * @example
 * ```ts
 * const l = runLayout('/runs/steps-1')
 * l.log('hello1') // '/runs/steps-1/steps/hello1/log.txt'
 * ```
 */
export const runLayout = (dir: string) => {
  // A folder name has at most 255 bytes: deep recursion makes longer ids, which get a hash suffix.
  const stepDir = (id: string) => join(dir, 'steps', Buffer.byteLength(id) <= 200 ? id : `${id.slice(0, 120)}~${createHash('sha256').update(id).digest('hex').slice(0, 16)}`)
  return {
    dir,
    workflowFile: join(dir, 'workflow.json'),
    journal: join(dir, 'steps.jsonl'),
    scriptsDir: join(dir, 'scripts'),
    /** The script of a template, relative to the run folder (as recorded) and absolute. */
    script: (template: string) => ({ relative: join('scripts', template), absolute: join(dir, 'scripts', template) }),
    stepsDir: join(dir, 'steps'),
    stepDir,
    workdir: (id: string) => join(stepDir(id), 'workdir'),
    log: (id: string) => join(stepDir(id), 'log.txt'),
    /** The file a step writes `current/total` to (DFLOW_PROGRESS_FILE). */
    progress: (id: string) => join(stepDir(id), 'progress'),
    io: (id: string, side: 'inputs' | 'outputs', kind: 'parameters' | 'artifacts', name: string) => join(stepDir(id), side, kind, name),
  }
}

/** The paths of a run folder. @example runLayout('/runs/r1').journal // '/runs/r1/steps.jsonl' */
export type RunLayout = ReturnType<typeof runLayout>
