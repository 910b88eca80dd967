/**
 * Argo's parameter-aggregation.yaml: `odd-or-even` fans out over 1..4; the next steps read the aggregated
 * lists of its outputs; `divide-by-2` fans out over all its outputs and runs only for even numbers (1 and
 * 3 are Skipped); `print` fans out over the results of `divide-by-2`: 1 and 2.
 */
import { allOutputs, expr, field, forEach, param, seq, sh, shell, step, stdout, subflow, t, when, workflow } from 'dflow-ts'

const oddOrEven = shell({
  name: 'odd-or-even',
  image: 'alpine:3.23',
  inputs: { num: param(t.number) },
  outputs: { num: param(t.number, { path: '/tmp/num' }), evenness: param(t.string, { path: '/tmp/even' }) },
  script: ({ num }, out) => sh`sleep 0.1 && echo ${num} > ${out.num} && if [ $((${num} % 2)) -eq 0 ]; then echo even > ${out.evenness}; else echo odd > ${out.evenness}; fi`,
})

const divideBy2 = shell({
  name: 'divide-by-2',
  image: 'alpine:3.23',
  inputs: { num: param(t.number) },
  outputs: { result: stdout(t.number) },
  script: ({ num }) => sh`echo $((${num} / 2))`,
})

const printMessage = shell({
  name: 'print-message',
  image: 'busybox',
  inputs: { message: param(t.unknown) },
  script: ({ message }) => sh`echo ${message}`,
})

const aggregation = subflow({
  name: 'parameter-aggregation',
  body: () => {
    const oe = forEach([1, 2, 3, 4], (item) => step('odd-or-even', oddOrEven, { num: item }))
    const div = forEach(allOutputs(oe), (item) => when(expr`${field(item, 'evenness')} == "even"`, step('divide-by-2', divideBy2, { num: field(item, 'num') })))
    return seq(
      oe,
      step('print-nums', printMessage, { message: oe.outputs.num }),
      step('print-evenness', printMessage, { message: oe.outputs.evenness }),
      div,
      forEach(div.outputs.result, (item) => step('print', printMessage, { message: item })),
    )
  },
})

export default workflow('parameter-aggregation', step('parameter-aggregation', aggregation))
