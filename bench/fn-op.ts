import { fn, param, t } from '../dsl/index.ts'

/**
 * The trivial function OP of the fn workload: adds one (the module holds only the OP, because each worker
 * imports it).
 *
 * @example
 * ```ts
 * step('s1', incFn, { x: 0 }) // y = 1
 * ```
 */
export const incFn = fn(
  { name: 'inc-fn', module: import.meta.url, inputs: { x: param(t.number) }, outputs: { y: param(t.number) } },
  ({ x }) => ({ y: x + 1 }),
)
