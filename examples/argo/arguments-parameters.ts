/**
 * Argo's arguments-parameters.yaml: a workflow parameter handed to the entrypoint's input.
 * The body is one call whose argument is the workflow parameter of the same name, so the template is the
 * entrypoint and the parameter becomes `spec.arguments`.
 */
import { param, sh, shell, step, t, workflow } from 'dflow-ts'

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.string) },
  script: ({ message }) => sh`echo ${message}`,
})

export default workflow('arguments-parameters', ({ message }) => step('print-message', printMessage, { message }), {
  parameters: { message: param(t.string, { default: 'hello world' }) },
})
