/**
 * Argo's timeouts-step with a short time: `echo 123; sleep 1d` under a 1 s timeout (Argo:
 * activeDeadlineSeconds). Expected: prints 123, then Failed, timed out, with no process left behind.
 */
import { sh, shell, step, workflow } from 'dflow-ts'

/** The workflow with a given timeout in seconds. @example timeoutsStep(0.3) */
export const timeoutsStep = (seconds: number) =>
  workflow(
    'timeouts-step',
    step(
      'sleep',
      shell({ name: 'sleep', image: 'alpine:3.20', timeout: seconds, script: () => sh`echo 123; sleep 86400` }),
    ),
  )

export default timeoutsStep(1)
