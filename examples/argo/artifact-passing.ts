/**
 * Argo's artifact-passing.yaml: a file produced by one step is the input artifact of the next.
 */
import { artifact, seq, sh, shell, step, subflow, workflow } from 'dflow-ts'

const helloWorldToFile = shell({
  name: 'hello-world-to-file',
  image: 'busybox',
  outputs: { 'hello-art': artifact({ path: '/tmp/hello_world.txt' }) },
  script: (_, out) => sh`sleep 1; echo hello world | tee ${out['hello-art']}`,
})

const printMessageFromFile = shell({
  name: 'print-message-from-file',
  image: 'busybox',
  inputs: { message: artifact({ path: '/tmp/message' }) },
  script: ({ message }) => sh`cat ${message}`,
})

const artifactExample = subflow({
  name: 'artifact-example',
  body: () => {
    const generate = step('generate-artifact', helloWorldToFile)
    return seq(generate, step('consume-artifact', printMessageFromFile, { message: generate.outputs['hello-art'] }))
  },
})

export default workflow('artifact-passing', step('artifact-example', artifactExample))
