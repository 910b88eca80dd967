/**
 * Argo's status-reference.yaml: `flakey-container` fails but is continued; `failed` runs because its
 * status is Failed, `succeeded` is Skipped; the workflow Succeeds.
 */
import { expr, par, seq, sh, shell, status, step, subflow, when, workflow } from 'dflow-ts'

const flakey = shell({ name: 'flakey-container', image: 'alpine:3.23', script: () => sh`exit 1` })
const failed = shell({ name: 'failed', image: 'alpine:3.23', script: () => sh`echo "the flakey container failed"` })
const succeeded = shell({ name: 'succeeded', image: 'alpine:3.23', script: () => sh`echo "the flakey container passed"` })

const statusReference = subflow({
  name: 'status-reference',
  body: () => {
    const f = step('flakey-container', flakey, {}, { continueOn: { failed: true } })
    return seq(
      f,
      par(
        when(expr`${status(f)} == "Failed"`, step('failed', failed)),
        when(expr`${status(f)} == "Succeeded"`, step('succeeded', succeeded)),
      ),
    )
  },
})

export default workflow('status-reference', step('status-reference', statusReference))
