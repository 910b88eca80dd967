import { DflowError, problem } from '../../../dsl/problem.ts'

/**
 * Why a context operation failed, as data a caller can branch on:
 * `unknown-host` (no known_hosts entry for the host: the message says how to trust it), `changed-host-key`
 * (known_hosts holds another key of that type: refused, possibly an attack), `revoked-host-key`, `auth` (every
 * configured method was refused), `config` (a key file, a password variable or a target that cannot work),
 * `unreachable` (no SSH server answered within the reconnect window), `connection-lost` (the connection dropped
 * while the command ran: it may or may not have run; retry it if that is safe), `not-started` (the command
 * could not start: nothing ran), `missing` (no such remote file), `transfer` (an SFTP or tar transfer failed).
 *
 * @example
 * ```ts
 * if (e instanceof ContextError && e.retryable) … // connection-lost, not-started, unreachable
 * ```
 */
export type ContextErrorReason =
  | 'unknown-host'
  | 'changed-host-key'
  | 'revoked-host-key'
  | 'auth'
  | 'config'
  | 'unreachable'
  | 'connection-lost'
  | 'not-started'
  | 'missing'
  | 'transfer'

const RETRYABLE: ReadonlySet<ContextErrorReason> = new Set(['unreachable', 'connection-lost', 'not-started'])

/**
 * A failed context operation. Its problem path is the context (`ssh://user@host:port`, `local`) and its
 * message says what failed and how to fix it.
 *
 * @example
 * ```ts
 * new ContextError('connection-lost', 'ssh://hpc@login:22', 'the connection dropped while `squeue` ran', 'retry it')
 * // message: 'ssh://hpc@login:22: the connection dropped while `squeue` ran (hint: retry it)'
 * ```
 */
export class ContextError extends DflowError {
  /** Whether trying again later can succeed (the connection, not the request, failed). */
  readonly retryable: boolean
  constructor(
    readonly reason: ContextErrorReason,
    readonly context: string,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super([problem([context], message, hint)])
    this.name = 'ContextError'
    this.retryable = RETRYABLE.has(reason)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}
