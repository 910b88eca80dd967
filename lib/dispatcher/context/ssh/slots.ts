/** A counting semaphore: at most `n` holders at once, the rest wait in arrival order. @example await s.take(); s.give() */
export interface Slots {
  readonly take: () => Promise<void>
  readonly give: () => void
  /** The most holders there were at once. */
  readonly most: () => number
}

/**
 * At most `n` at once (the channels of one SSH connection: sshd refuses more than its MaxSessions).
 *
 * @example
 * ```ts
 * const s = slots(9)
 * await s.take()
 * try { … } finally { s.give() }
 * ```
 */
export const slots = (n: number): Slots => {
  const waiting: (() => void)[] = []
  let held = 0
  let most = 0
  return {
    take: () => {
      if (held < n) {
        most = Math.max(most, ++held)
        return Promise.resolve()
      }
      return new Promise<void>((r) => waiting.push(r))
    },
    give: () => {
      const next = waiting.shift()
      if (next) next() // the slot passes to the next waiter
      else held--
    },
    most: () => most,
  }
}
