/**
 * Argo's dag-task-level-timeout with short times: one `echo` template (a sleep) called by three tasks with
 * their own timeouts — A (5 s), then B (2.5 s, sleeping 5 s) and C (5 s) after A. Expected: A and C
 * Succeeded, B Failed (timed out), the workflow Failed. B's failure stops no running sibling (README, "The
 * local interpreter"), so C ends Succeeded once it has started; B's 2.5 s (Argo's is 0.5 s) leaves C time to
 * start when steps start slowly (the importer's on a loaded machine, batch jobs).
 */
import { dag, param, sh, shell, step, t, workflow } from 'dflow-ts'

const echo = shell({ name: 'echo', image: 'busybox', inputs: { seconds: param(t.number) }, script: ({ seconds }) => sh`sleep ${seconds}` })

const a = step('A', echo, { seconds: 0.1 }, { timeout: 5 })
const b = step('B', echo, { seconds: 5 }, { timeout: 2.5, dependsOn: [a] })
const c = step('C', echo, { seconds: 0.1 }, { timeout: 5, dependsOn: [a] })

export default workflow('dag-task-level-timeout', dag(a, b, c))
