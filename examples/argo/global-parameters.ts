/**
 * Argo's global-parameters.yaml: a template reading a workflow parameter directly
 * (`{{workflow.parameters.message}}`), without declaring an input.
 */
import { param, sh, shell, step, t, workflow } from 'dflow-ts'

export default workflow(
  'global-parameters',
  ({ message }) => step('print-message', shell({ name: 'print-message', image: 'busybox', script: () => sh`echo ${message}` })),
  { parameters: { message: param(t.string, { default: 'hello world' }) } },
)
