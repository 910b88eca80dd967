/**
 * dflow's E16 (examples/test_error_handling.py) with short times: hello0 raises a TransientError and is
 * retried once (2 attempts, Failed, continued); hello1 sleeps past its 0.5 s timeout, counted as transient,
 * retried once (2 timed-out attempts, Failed, continued); hello2 raises a FatalError, which is not retried
 * (1 attempt): the workflow fails.
 */
import { FatalError, fn, param, seq, step, t, TransientError, workflow } from 'dflow-ts'

const transient = fn({ name: 'transient', module: import.meta.url }, () => {
  throw new TransientError('try again')
})

const sleepy = fn({ name: 'sleepy', module: import.meta.url, inputs: { seconds: param(t.number) } }, async ({ seconds }) => {
  await new Promise((r) => setTimeout(r, seconds * 1000))
  return {}
})

const fatal = fn({ name: 'fatal', module: import.meta.url }, () => {
  throw new FatalError('no point retrying')
})

const retryOnce = { limit: 1, policy: 'OnTransientError' } as const

export default workflow(
  'error-handling',
  seq(
    step('hello0', transient, {}, { retry: retryOnce, continueOn: { failed: true } }),
    step('hello1', sleepy, { seconds: 100 }, { retry: retryOnce, timeout: { seconds: 0.5, transient: true }, continueOn: { failed: true } }),
    step('hello2', fatal, {}, { retry: retryOnce }),
  ),
)
