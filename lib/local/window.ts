/**
 * Maps items through an async function with at most `width` calls under way at once, starting them in item
 * order as earlier ones end; resolves with the results in item order (rejects with the first rejection). A
 * fan-out of 10,000 calls thus holds the state of a few calls, not of every call waiting for a slot.
 *
 * @example
 * ```ts
 * await inWindow([1, 2, 3], 2, async (x, i) => x * 10 + i) // [10, 21, 32]; the third starts when one of the first two ends
 * ```
 */
export const inWindow = async <A, B>(items: readonly A[], width: number, f: (item: A, index: number) => Promise<B>): Promise<B[]> => {
  const results = new Array<B>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, width), items.length) }, lane))
  return results
}

/**
 * How many calls of one fan-out are under way at once, for `parallelism` leaf processes: enough that every
 * slot stays busy and the next calls' folders are made while earlier ones run.
 *
 * @example
 * ```ts
 * fanOutWindow(2)  // 16
 * fanOutWindow(32) // 64
 * ```
 */
export const fanOutWindow = (parallelism: number): number => Math.max(16, 2 * parallelism)
