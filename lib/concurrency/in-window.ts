/**
 * Maps items through an async function with at most `width` calls under way at once, starting them in item
 * order as earlier ones end; resolves with the results in item order (rejects with the first rejection). A
 * fan-out of 10,000 calls thus holds the state of a few calls, not of every call waiting for a slot; a store
 * moves a folder's files a few at a time.
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
