/**
 * Argo's parallelism-nested.yaml with short sleeps: four `parallel-worker` calls run at once, each a
 * `seq-worker` (template parallelism 1) that runs `one-job` for a, b, c, d strictly one after another.
 */
import { forEach, param, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const oneJob = shell({
  name: 'one-job',
  image: 'alpine:3.23',
  inputs: { 'seq-id': param(t.string), 'parallel-id': param(t.number) },
  script: (i) => sh`echo ${i['parallel-id']} ${i['seq-id']}; sleep 0.1`,
})

const seqWorker = subflow({
  name: 'seq-worker',
  parallelism: 1,
  inputs: { 'seq-list': param(t.array(t.string)), 'parallel-id': param(t.number) },
  body: (i) => forEach(i['seq-list'], (item) => step('seq-step', oneJob, { 'parallel-id': i['parallel-id'], 'seq-id': item })),
})

const parallelWorker = subflow({
  name: 'parallel-worker',
  inputs: { 'seq-list': param(t.array(t.string)), 'parallel-list': param(t.array(t.number)) },
  body: (i) => forEach(i['parallel-list'], (item) => step('parallel-worker', seqWorker, { 'seq-list': i['seq-list'], 'parallel-id': item })),
})

export default workflow('parallelism-nested', (p) => step('parallel-worker', parallelWorker, { 'seq-list': p['seq-list'], 'parallel-list': p['parallel-list'] }), {
  parameters: { 'seq-list': param(t.array(t.string), { default: ['a', 'b', 'c', 'd'] }), 'parallel-list': param(t.array(t.number), { default: [1, 2, 3, 4] }) },
})
