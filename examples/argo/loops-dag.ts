/** Argo's loops-dag.yaml: A; B fanned out over foo, bar, baz after A; C after every call of B. */
import { dag, forEach, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

const loopsDag = subflow({
  name: 'loops-dag',
  body: () => {
    const a = step('A', printMessage, { message: 'A' })
    const b = forEach(['foo', 'bar', 'baz'], (item) => step('B', printMessage, { message: item }, { dependsOn: [a] }))
    const c = step('C', printMessage, { message: 'C' }, { dependsOn: [b] })
    return dag(a, b, c)
  },
})

export default workflow('loops-dag', step('loops-dag', loopsDag))
