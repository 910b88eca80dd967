import { killGroup } from './process-group.ts'
import { environOf, processIds } from './proc.ts'

/**
 * The variable every step the local interpreter starts has in its environment (lib/local/leaf.ts `leafEnv`),
 * and so its children: with its `DFLOW_PROGRESS_FILE`, under the run's steps folder, what tells a restart its
 * processes. A batch job's (which a restart takes over, still running) has the progress file and not this.
 *
 * @example leafEnv(hello, ctx)[LOCAL_STEP_MARK] // '1'
 */
export const LOCAL_STEP_MARK = 'DFLOW_LOCAL_STEP'

/**
 * The pids of the processes on this host that are steps the local interpreter started for the run whose steps
 * folder is `stepsDir`, or their children: those whose environment holds {@link LOCAL_STEP_MARK} and a
 * `DFLOW_PROGRESS_FILE` under it (none where there is no `/proc`). A process that ends while it is looked at,
 * or whose environment cannot be read, is left out — a shell a user has `cd`-ed into the folder is not one of
 * them, nor is a batch job's process.
 *
 * @example
 * ```ts
 * stepProcesses('/runs/restartable-20261204-183159-f51f/steps') // [4242, 4250]
 * ```
 */
export const stepProcesses = (stepsDir: string): number[] =>
  processIds().filter((pid) => {
    // never this process or its parent (a restart run from inside one of the run's own steps)
    if (pid === process.pid || pid === process.ppid) return false
    try {
      const env = environOf(pid)
      return env[LOCAL_STEP_MARK] === '1' && !!env['DFLOW_PROGRESS_FILE']?.startsWith(`${stepsDir}/`)
    } catch {
      return false
    }
  })

/**
 * Ends what a killed driver's steps left running before a restart runs them again: the launcher kills its jobs
 * when it sees its driver gone, but that takes a moment (longer on a loaded host), and a step still running
 * then would run twice, its side effects with it. Each such process and its group are killed (SIGKILL, as the
 * launcher does) and waited for, up to `ms`; the pids still there after that are returned.
 *
 * @example
 * ```ts
 * const left = await endLeftovers(join(runDir, 'steps'))
 * if (left.length) throw new Error(`processes ${left.join(', ')} of the killed run still run`)
 * ```
 */
export const endLeftovers = async (stepsDir: string, ms = 10_000): Promise<number[]> => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 20))) {
    const left = stepProcesses(stepsDir)
    if (!left.length || Date.now() >= end) return left
    for (const pid of left) {
      killGroup(pid, 'SIGKILL')
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        /* gone already */
      }
    }
  }
}
