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
