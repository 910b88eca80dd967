/**
 * Argo's nested-workflow.yaml: a steps template with its own inputs (a parameter and an artifact) and
 * outputs taken from one of its steps, called between a producer and a consumer.
 */
import { artifact, par, param, seq, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const generate = shell({
  name: 'generate',
  image: 'busybox',
  outputs: {
    'out-parameter': param(t.string, { path: '/tmp/my-output-parameter.txt' }),
    'out-artifact': artifact({ path: '/tmp/my-output-artifact.txt' }),
  },
  script: (_, out) => sh`echo hello world | tee ${out['out-artifact']} && echo 'my-output-parameter' > ${out['out-parameter']}`,
})

const consume = shell({
  name: 'consume',
  image: 'alpine:3.23',
  inputs: { 'in-parameter': param(t.string), 'in-artifact': artifact({ path: '/tmp/art' }) },
  script: (i) => sh`echo "input parameter value: ${i['in-parameter']}" && echo 'input artifact contents:' && cat ${i['in-artifact']}`,
})

const nestedWf = subflow({
  name: 'nested-wf',
  inputs: { 'nested-in-parameter': param(t.string), 'nested-in-artifact': artifact() },
  body: (i) => {
    const g = step('generate', generate)
    return {
      run: par(step('consume', consume, { 'in-parameter': i['nested-in-parameter'], 'in-artifact': i['nested-in-artifact'] }), g),
      outputs: { 'nested-out-parameter': g.outputs['out-parameter'], 'nested-out-artifact': g.outputs['out-artifact'] },
    }
  },
})

const example = subflow({
  name: 'nested-workflow-example',
  body: () => {
    const g = step('generate', generate)
    const n = step('nested-wf', nestedWf, { 'nested-in-parameter': g.outputs['out-parameter'], 'nested-in-artifact': g.outputs['out-artifact'] })
    return seq(g, n, step('consume', consume, { 'in-parameter': n.outputs['nested-out-parameter'], 'in-artifact': n.outputs['nested-out-artifact'] }))
  },
})

export default workflow('nested-workflow', step('nested-workflow-example', example))
