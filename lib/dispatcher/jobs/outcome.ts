import type { JobState, Verdict } from '../batch/types.ts'
import type { CallFiles } from './collect.ts'
import type { JobOutcome } from './types.ts'

/**
 * The engine's phase of a scheduler verdict for a call that wrote no exit status, and whether a retry is likely
 * to help: node and boot failures and preemption are transient; a timeout and out-of-memory are failures of
 * the call; a cancel, and a job that ended without its call's file (lost), are errors.
 *
 * @example
 * ```ts
 * phaseOfVerdict('node-fail') // { phase: 'Error', transient: true }
 * phaseOfVerdict('timeout') // { phase: 'Failed', transient: false }
 * ```
 */
export const phaseOfVerdict = (v: Verdict): { readonly phase: JobOutcome['phase']; readonly transient: boolean } =>
  v === 'succeeded' ? { phase: 'Succeeded', transient: false }
  : v === 'node-fail' || v === 'preempted' ? { phase: 'Error', transient: true }
  : v === 'timeout' || v === 'out-of-memory' || v === 'failed' ? { phase: 'Failed', transient: false }
  : { phase: 'Error', transient: false }

const FINAL: ReadonlySet<Verdict> = new Set(['cancelled', 'timeout', 'node-fail', 'preempted', 'out-of-memory'])

/** What the outcome of a call in a job says about the job. @example const j: JobRef = { name: 'df…', id: '42', reattached: false } */
export interface JobRef {
  readonly name: string
  readonly id?: string
  readonly state?: JobState
  readonly reattached: boolean
  /** The driver cancelled the job because a call's timeout ran out. */
  readonly timedOut?: boolean
}

/**
 * A call's outcome from its own files and its job's last state: its exit status when it wrote one (the call
 * finished, whatever happened to the job after), else the scheduler's verdict (or the driver's timeout).
 *
 * @example
 * ```ts
 * callOutcome({ exitCode: 3, stdout: '', stderr: 'x\n' }, { name: 'df…', id: '42', reattached: false }).phase // 'Failed'
 * ```
 */
export const callOutcome = (files: CallFiles, job: JobRef): JobOutcome => {
  const common = {
    stdoutTail: files.stdout ?? '',
    stderrTail: files.stderr ?? '',
    job: { name: job.name, ...(job.id ? { id: job.id } : {}), ...(job.state ? { raw: job.state.raw, ...(job.state.reason ? { reason: job.state.reason } : {}) } : {}) },
    reattached: job.reattached,
  }
  const state = job.state
  // a status above 128 is the kill the scheduler (or the driver) says it made: its verdict names it
  const killer = job.timedOut ? 'timeout' : state && state.verdict !== 'succeeded' && state.verdict !== 'failed' && FINAL.has(state.verdict) ? state.verdict : undefined
  const signal = files.exitCode !== undefined && files.exitCode > 128 && files.exitCode < 128 + 65 ? { exitCode: files.exitCode, signal: files.exitCode - 128 } : {}
  if (files.exitCode !== undefined && !(killer && 'signal' in signal)) {
    const code = files.exitCode
    return {
      phase: code === 0 ? 'Succeeded' : 'Failed',
      verdict: code === 0 ? 'succeeded' : 'failed',
      transient: false,
      timedOut: false,
      exitCode: code,
      ...signal,
      ...common,
    }
  }
  if (job.timedOut) return { phase: 'Failed', verdict: 'timeout', transient: false, timedOut: true, ...signal, message: 'the call ran out of time: the driver cancelled its job', ...common }
  const verdict: Verdict = state && state.verdict !== 'succeeded' && state.verdict !== 'failed' ? state.verdict : 'unknown'
  const { phase, transient } = phaseOfVerdict(verdict)
  const said = state ? `the scheduler says ${state.raw}${state.reason ? ` (${state.reason})` : ''}` : 'the scheduler no longer knows the job'
  return {
    phase: verdict === 'unknown' ? 'Error' : phase,
    verdict,
    transient,
    timedOut: verdict === 'timeout',
    ...signal,
    message: verdict === 'unknown' ? `the job ended without the call's exit status (lost): ${said}` : `the call wrote no exit status: ${said}`,
    ...common,
  }
}
