/**
 * A run folder that cannot be written (a full disk, a read-only file system, …): what was being done, to
 * which path, and the system's error code, in one message a user can act on —
 * `could not write /runs/x/steps.jsonl: ENOSPC (no space left on device)`.
 *
 * @example
 * ```ts
 * try { writeSync(fd, line) } catch (e) { throw new StorageError(e, 'write', '/runs/x/steps.jsonl') }
 * ```
 */
export class StorageError extends Error {
  /** The system's error code (`ENOSPC`, `EROFS`, …), or `EIO` when the cause had none. */
  readonly code: string
  readonly path: string
  constructor(cause: unknown, action: string, path: string) {
    super(`could not ${action} ${path}: ${codeAndText(cause)}`, { cause })
    this.name = 'StorageError'
    this.code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO'
    this.path = path
  }
}

/** `ENOSPC (no space left on device)` from a Node system error (whose message is `ENOSPC: no space left on device, write`). */
const codeAndText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException
  const text = /^[A-Z0-9]+: ([^,]*)/.exec(err?.message ?? '')?.[1]
  return err?.code ? `${err.code}${text ? ` (${text})` : ''}` : String(err?.message ?? e)
}

/**
 * What a failed file operation says, for a step's or a run's message: a Node system error that names a
 * path (`mkdir`, `open`, …) as a {@link StorageError} would, anything else by its own message.
 *
 * @example
 * ```ts
 * storageMessage(errorOfMkdir) // 'could not mkdir /runs/x/steps/b: EROFS (read-only file system)'
 * ```
 */
export const storageMessage = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException
  if (err instanceof StorageError) return err.message
  if (err?.code && err.path) return new StorageError(err, err.syscall ?? 'use', err.path).message
  return String(err?.message ?? e)
}
