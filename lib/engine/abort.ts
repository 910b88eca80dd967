import { setMaxListeners } from 'node:events'

/**
 * An abort controller that also aborts when `parent` does (a group of steps stopped with its parent).
 *
 * @example
 * ```ts
 * const ctl = child(env.signal)
 * ctl.abort('stopped: a sibling failed')
 * ```
 */
export const child = (parent: AbortSignal): AbortController => {
  const c = new AbortController()
  // Every running step listens on its group's signal: wide groups are expected, not a leak.
  setMaxListeners(0, c.signal)
  if (parent.aborted) c.abort(parent.reason)
  else parent.addEventListener('abort', () => c.abort(parent.reason), { once: true })
  return c
}

/** The message for a step stopped through its abort signal: the reason given, else `stopped`. @example stopMessage(AbortSignal.abort('timed out after 5s')) // 'timed out after 5s' */
export const stopMessage = (signal: AbortSignal): string => (typeof signal.reason === 'string' ? signal.reason : 'stopped')
