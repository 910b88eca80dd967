/**
 * Argo's exit-handlers.yaml: the body fails on purpose; the exit handler `exit-handler` runs anyway,
 * `notify` prints the workflow's name, status, duration and failures, `cry` runs (status Failed) and
 * `celebrate` is Skipped. The workflow ends Failed.
 */
import { expr, par, sh, shell, step, subflow, when, workflow, workflowDuration, workflowFailures, workflowStatus, ctx } from 'dflow-ts'

const intentionalFail = shell({ name: 'intentional-fail', image: 'alpine:3.23', script: () => sh`echo intentional failure; exit 1` })
const sendEmail = shell({
  name: 'send-email',
  image: 'alpine:3.23',
  script: () => sh`echo send e-mail: ${ctx.workflowName} ${workflowStatus} ${workflowDuration}. Failed steps ${workflowFailures}`,
})
const celebrate = shell({ name: 'celebrate', image: 'alpine:3.23', script: () => sh`echo hooray!` })
const cry = shell({ name: 'cry', image: 'alpine:3.23', script: () => sh`echo boohoo!` })

const exitHandler = subflow({
  name: 'exit-handler',
  body: () =>
    par(
      step('notify', sendEmail),
      when(expr`${workflowStatus} == "Succeeded"`, step('celebrate', celebrate)),
      when(expr`${workflowStatus} != "Succeeded"`, step('cry', cry)),
    ),
})

export default workflow('exit-handlers', step('intentional-fail', intentionalFail), { onExit: step('exit-handler', exitHandler) })
