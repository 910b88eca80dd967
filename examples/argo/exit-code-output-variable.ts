/**
 * Argo's exit-code-output-variable.yaml: `failing-container` exits 123 (continued); `echo-container`
 * receives its exit code and prints "Exit code was: 123"; the workflow Succeeds.
 */
import { exitCode, param, seq, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const failing = shell({ name: 'failing-container', image: 'alpine:3.23', script: () => sh`exit 123` })
const echo = shell({
  name: 'echo-container',
  image: 'alpine:3.23',
  inputs: { exitCode: param(t.number) },
  script: ({ exitCode }) => sh`echo "Exit code was: ${exitCode}"`,
})

const example = subflow({
  name: 'exit-code-output-variable',
  body: () => {
    const f = step('failing-container', failing, {}, { continueOn: { failed: true } })
    return seq(f, step('echo-container', echo, { exitCode: exitCode(f) }))
  },
})

export default workflow('exit-code-output-variable', step('exit-code-output-variable', example))
