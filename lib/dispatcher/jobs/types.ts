import type { BatchJob, Verdict } from '../batch/types.ts'

/**
 * What a call asks of its job beyond its command: resources, queue, nodes, header lines, modules, the job's
 * environment and pre/post script (see `jobShape` in resources.ts). Calls with equal shapes may share a job or an
 * array; a shape's `resources.walltimeSeconds` is an explicit walltime (else the queue derives one from the
 * calls' timeouts).
 *
 * @example
 * ```ts
 * const s: JobShape = { resources: { cpus: 4, memoryMiB: 2048 }, queue: 'debug', modules: ['gcc/12'] }
 * ```
 */
export type JobShape = Pick<BatchJob, 'resources' | 'queue' | 'nodes' | 'header' | 'modules' | 'env' | 'pre' | 'post'>

/**
 * One call for the queue: shell text run by bash in its own work dir (an absolute path on the machine the
 * queue's exec reaches), identified by run id and call id (deterministic: a driver started again on the same
 * run gives the same ids, and the queue finds the job it submitted before).
 *
 * @example
 * ```ts
 * const spec: JobSpec = { runId: 'run-1', callId: 'relax(3)', command: 'relax --steps 10', workDir: '/scratch/run-1/relax-3', timeoutSeconds: 30 }
 * ```
 */
export interface JobSpec {
  readonly runId: string
  readonly callId: string
  readonly command: string
  readonly workDir: string
  /** Where the call's own stdout, stderr and exit-status files go (absolute). Default: `workDir`. */
  readonly filesDir?: string
  /** This call's environment (quoted exports inside its own subshell). */
  readonly env?: Readonly<Record<string, string>>
  readonly shape?: JobShape
  /** Enforced by the driver: the job is cancelled when it has run this long (the scheduler's walltime, whole minutes, is only a backstop). */
  readonly timeoutSeconds?: number
}

/**
 * How a call ended. `phase` is the engine's: `Succeeded` (exit 0), `Failed` (a non-zero exit, a timeout, out of
 * memory), `Error` (cancelled, the node failed, preempted, lost, or never submitted). `transient` marks what a
 * retry is likely to fix (node failure, boot failure, preemption). The call's own exit code wins over the
 * scheduler's verdict of its job (a call that finished before its job was killed keeps its result).
 *
 * @example
 * ```ts
 * const o: JobOutcome = { phase: 'Failed', verdict: 'failed', transient: false, timedOut: false, exitCode: 3, stdoutTail: '', stderrTail: 'boom\n', job: { name: 'df…', id: '42' }, reattached: false }
 * ```
 */
export interface JobOutcome {
  readonly phase: 'Succeeded' | 'Failed' | 'Error'
  readonly verdict: Verdict
  readonly transient: boolean
  readonly timedOut: boolean
  readonly exitCode?: number
  /** The signal that killed the call's command, read from a status above 128 (bash's `128 + N`). */
  readonly signal?: number
  readonly stdoutTail: string
  readonly stderrTail: string
  /** Why, in words, when the call did not simply exit (the scheduler's state and reason, a submit error). */
  readonly message?: string
  /** The job the call ran in: its name, id (an array element's own id), and the scheduler's last word. */
  readonly job: { readonly name: string; readonly id?: string; readonly raw?: string; readonly reason?: string }
  /** Whether this queue found the job in the journal (or by name) instead of submitting it. */
  readonly reattached: boolean
}
