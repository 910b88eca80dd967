/** Argo's loops-sequence.yaml: five parallel fan-outs over sequences (count, range, parameter, descending, printf). */
import { forEach, par, param, sequence, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const echo = shell({
  name: 'echo',
  image: 'alpine:3.23',
  inputs: { msg: param(t.string) },
  script: ({ msg }) => sh`echo ${msg}`,
})

const loopsSequence = (count: Parameters<typeof sequence>[0]['count']) =>
  subflow({
    name: 'loops-sequence',
    body: () =>
      par(
        forEach(sequence({ count: 5 }), (item) => step('sequence-count', echo, { msg: item })),
        forEach(sequence({ start: 100, end: 105 }), (item) => step('sequence-start-end', echo, { msg: item })),
        forEach(sequence({ start: 200, count }), (item) => step('sequence-param', echo, { msg: item })),
        forEach(sequence({ start: 5, end: 0 }), (item) => step('sequence-negative', echo, { msg: item })),
        forEach(sequence({ count: 5, format: 'testuser%02X' }), (item) => step('sequence-format', echo, { msg: item })),
      ),
  })

export default workflow('loops-sequence', ({ count }) => step('loops-sequence', loopsSequence(count)), { parameters: { count: param(t.number, { default: 3 }) } })
