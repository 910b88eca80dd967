/**
 * Argo's steps.yaml: hello1, then hello2a and hello2b in parallel, all calling print-message.
 * The steps template is a sub-workflow so that it carries upstream's name (hello-hello-hello).
 */
import { par, param, seq, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

const helloHelloHello = subflow({
  name: 'hello-hello-hello',
  body: () =>
    seq(
      step('hello1', printMessage, { message: 'hello1' }),
      par(step('hello2a', printMessage, { message: 'hello2a' }), step('hello2b', printMessage, { message: 'hello2b' })),
    ),
})

export default workflow('steps', step('hello-hello-hello', helloHelloHello))
