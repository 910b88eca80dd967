/**
 * Argo's output-parameter.yaml: an output parameter read from a file (with a default used when the file
 * is missing), passed to the next step.
 */
import { param, seq, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const helloWorldToFile = shell({
  name: 'hello-world-to-file',
  image: 'busybox',
  outputs: { 'hello-param': param(t.string, { path: '/tmp/hello_world.txt', default: 'Foobar' }) },
  script: (_, out) => sh`sleep 1; printf 'hello world' > ${out['hello-param']}`,
})

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

const outputParameter = subflow({
  name: 'output-parameter',
  body: () => {
    const generate = step('generate-parameter', helloWorldToFile)
    return seq(generate, step('consume-parameter', printMessage, { message: generate.outputs['hello-param'] }))
  },
})

export default workflow('output-parameter', step('output-parameter', outputParameter))
