/**
 * Argo's global-outputs.yaml: `generate` exports its parameter and its artifact as workflow outputs
 * (`global: NAME`, Argo's `globalName`); `consume-globals` reads them with `workflowOutput(…)` and
 * `workflowOutputArtifact(…)` after it, in the body and again in the exit handler. The run's record shows them
 * (`run.record.outputs`: `{ parameters: { 'my-global-param': 'hello world' }, artifacts: { 'my-global-art': … } }`).
 */
import { artifact, par, param, seq, sh, shell, step, subflow, t, workflow, workflowOutput, workflowOutputArtifact } from 'dflow-ts'

const globalOutput = shell({
  name: 'global-output',
  image: 'alpine:3.23',
  outputs: {
    'hello-param': param(t.string, { path: '/tmp/hello_world.txt', global: 'my-global-param' }),
    'hello-art': artifact({ path: '/tmp/hello_world.txt', global: 'my-global-art' }),
  },
  script: (_, out) => sh`sleep 1; printf 'hello world' > ${out['hello-param']}`,
})

const consumeGlobalParam = shell({
  name: 'consume-global-param',
  image: 'alpine:3.23',
  inputs: { param: param(t.string) },
  script: ({ param }) => sh`echo ${param}`,
})

const consumeGlobalArt = shell({
  name: 'consume-global-art',
  image: 'alpine:3.23',
  inputs: { art: artifact({ path: '/art' }) },
  script: ({ art }) => sh`cat ${art}`,
})

const consumeGlobals = subflow({
  name: 'consume-globals',
  body: () =>
    par(
      step('consume-global-param', consumeGlobalParam, { param: workflowOutput('my-global-param', t.string) }),
      step('consume-global-art', consumeGlobalArt, { art: workflowOutputArtifact('my-global-art') }),
    ),
})

const generateGlobals = subflow({
  name: 'generate-globals',
  body: () => seq(step('generate', globalOutput), step('consume-globals', consumeGlobals)),
})

export default workflow('global-outputs', step('generate-globals', generateGlobals), { onExit: step('consume-globals', consumeGlobals) })
