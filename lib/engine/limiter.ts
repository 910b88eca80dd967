/**
 * A counting semaphore: at most `limit` holders at once, served first come, first served.
 *
 * @example
 * ```ts
 * const l = limiter(2)
 * await l.run(() => spawnSomething())
 * ```
 */
export const limiter = (limit: number) => {
  let active = 0
  const waiting: (() => void)[] = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else active--
  }
  const acquire = (): Promise<void> => {
    if (active < limit) {
      active++
      return Promise.resolve()
    }
    return new Promise((resolve) => waiting.push(resolve))
  }
  return {
    /** How many holders it allows at once. */
    limit,
    run: async <A>(f: () => Promise<A>): Promise<A> => {
      await acquire()
      try {
        return await f()
      } finally {
        release()
      }
    },
  }
}

/** A {@link limiter}. */
export type Limiter = ReturnType<typeof limiter>
