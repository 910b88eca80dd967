/**
 * Thrown by a function OP for a failure worth retrying (a flaky network, a busy licence server): the step
 * exits with code 1, as dflow's `TransientError`, and `retry: { policy: 'OnTransientError' }` retries it.
 *
 * @example
 * ```ts
 * if (!reachable) throw new TransientError('license server busy')
 * ```
 */
export class TransientError extends Error {
  override readonly name = 'TransientError'
}

/**
 * Thrown by a function OP for a failure that retrying cannot fix (bad input data): the step exits with
 * code 2, as dflow's `FatalError`, and is never retried under `OnTransientError`.
 *
 * @example
 * ```ts
 * if (atoms.length === 0) throw new FatalError('empty structure')
 * ```
 */
export class FatalError extends Error {
  override readonly name = 'FatalError'
}

/** The exit codes of a function OP's process. @example EXIT.transient // 1 */
export const EXIT = Object.freeze({ ok: 0, transient: 1, fatal: 2 })
