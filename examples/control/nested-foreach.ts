/**
 * Nested loops (issue 9's example): a forEach whose body is another forEach runs the full product — 6 calls
 * `outer(0).s(0)` … `outer(1).s(2)`, each printing its own pair (`x=a y=1` … `x=b y=3`). On Argo the outer
 * loop calls the template `outer` with `withItems: [a, b]`, passing its item as the input `item`; `outer`
 * holds the inner loop, `withItems: ["1", "2", "3"]`.
 */
import { forEach, param, sh, shell, step, t, workflow } from 'dflow-ts'

const echo2 = shell({ name: 'echo2', inputs: { x: param(t.string), y: param(t.string) }, script: ({ x, y }) => sh`echo x=${x} y=${y}` })

export default workflow('nested-foreach', forEach(['a', 'b'], (x) => forEach(['1', '2', '3'], (y) => step('s', echo2, { x, y })), { name: 'outer' }))
