/**
 * Argo's dag-diamond.yaml: A, then B and C, then D. No data flows between the tasks, so the order is
 * given with `dependsOn`.
 */
import { dag, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const echo = shell({
  name: 'echo',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

const diamond = subflow({
  name: 'diamond',
  body: () => {
    const a = step('A', echo, { message: 'A' })
    const b = step('B', echo, { message: 'B' }, { dependsOn: [a] })
    const c = step('C', echo, { message: 'C' }, { dependsOn: [a] })
    const d = step('D', echo, { message: 'D' }, { dependsOn: [b, c] })
    return dag(a, b, c, d)
  },
})

export default workflow('dag-diamond', step('diamond', diamond))
