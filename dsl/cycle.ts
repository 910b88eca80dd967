/**
 * A dependency cycle among nodes `0 … n-1`, found by depth-first search without recursion (a chain of
 * 20,000 dag tasks is 20,000 deep: a recursive search overflows the stack), or `undefined` when there is
 * none. The cycle is given as the nodes on it, starting where the search first met it.
 *
 * @example
 * ```ts
 * findCycle(3, (i) => [[1], [2], [0]][i]!) // [0, 1, 2]
 * findCycle(2, (i) => [[1], []][i]!)       // undefined
 * ```
 */
export const findCycle = (n: number, edges: (i: number) => readonly number[]): number[] | undefined => {
  const state = new Uint8Array(n) // 0 new, 1 on the path, 2 done
  const path: number[] = []
  const next: number[] = [] // for each node on the path, the index of its next edge to follow
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue
    state[root] = 1
    path.push(root)
    next.push(0)
    while (path.length) {
      const top = path.length - 1
      const i = path[top]!
      const out = edges(i)
      const k = next[top]!
      if (k === out.length) {
        state[i] = 2
        path.pop()
        next.pop()
        continue
      }
      next[top] = k + 1
      const j = out[k]!
      if (state[j] === 1) return path.slice(path.lastIndexOf(j))
      if (state[j] === 0) {
        state[j] = 1
        path.push(j)
        next.push(0)
      }
    }
  }
  return undefined
}
