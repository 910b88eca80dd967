/** Argo's loops.yaml: one step fanned out over a literal list; each call echoes its item. */
import { forEach, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

const loopExample = subflow({
  name: 'loop-example',
  body: () => forEach(['hello world', 'goodbye world'], (item) => step('print-message-loop', printMessage, { message: item })),
})

export default workflow('loops', step('loop-example', loopExample))
