/**
 * Function OPs for the slice tests (a module of its own: a worker imports an OP's module, and importing a
 * test file would run its tests).
 */
import { fn, FatalError, param, t } from 'dflow-ts'

let inflight = 0
let most = 0

/** Waits a little and reports the most slices it saw under way at once in this worker (to check poolSize). @example step('c', concurrent, { x: 1 }) */
export const concurrent = fn(
  { name: 'concurrent', module: import.meta.url, inputs: { x: param(t.number) }, outputs: { most: param(t.number), y: param(t.number) } },
  async ({ x }) => {
    inflight++
    most = Math.max(most, inflight)
    await new Promise((r) => setTimeout(r, 30))
    inflight--
    const seen = most
    if (inflight === 0) most = 0
    return { most: seen, y: x * 10 }
  },
)

/** Doubles x; fails (fatally) for x = 3. @example step('d', doubleBut3, { x: 2 }) // y = 4 */
export const doubleBut3 = fn({ name: 'double-but-3', module: import.meta.url, inputs: { x: param(t.number), tag: param(t.string, { default: '' }) }, outputs: { y: param(t.number), tagged: param(t.string) } }, ({ x, tag }, ctx) => {
  if (x === 3) throw new FatalError('three is not allowed')
  return { y: 2 * x, tagged: `${tag}${ctx.key}:${x}` }
})
