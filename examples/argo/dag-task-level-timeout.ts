/**
 * Argo's dag-task-level-timeout with short times: one `echo` template (a sleep) called by three tasks with
 * their own timeouts — A (2 s), then B (0.5 s, sleeping 2 s) and C (2 s) after A. Expected: A and C
 * Succeeded, B Failed (timed out), the workflow Failed.
 */
import { dag, param, sh, shell, step, t, workflow } from 'dflow-ts'

const echo = shell({ name: 'echo', image: 'busybox', inputs: { seconds: param(t.number) }, script: ({ seconds }) => sh`sleep ${seconds}` })

const a = step('A', echo, { seconds: 0.1 }, { timeout: 2 })
const b = step('B', echo, { seconds: 2 }, { timeout: 0.5, dependsOn: [a] })
const c = step('C', echo, { seconds: 0.1 }, { timeout: 2, dependsOn: [a] })

export default workflow('dag-task-level-timeout', dag(a, b, c))
