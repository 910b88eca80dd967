/**
 * Argo's fibonacci-seq-conditional-param.yaml, as the DSL writes it: `fibonacci(num)` calls itself twice and
 * adds the outputs of its own recursive calls (`recurse` with declared `outputs`); its output `fib` is chosen
 * when it ends (`ifExpr`, Argo's `valueFrom.expression`): 1 for num ≤ 2, else the sum. fibonacci(5) prints 5.
 * Variant: a step `return-1` gives the 1 that upstream's expression writes as a literal (an `ifExpr` chooses
 * between references); `sh` arithmetic instead of python; no memoize (a steps template's memoize is not
 * implemented locally).
 */
import { expr, ifExpr, param, recurse, seq, sh, shell, step, stdout, subflow, t, workflow } from 'dflow-ts'

const doMath = shell({
  name: 'do-math',
  image: 'alpine:3.23',
  inputs: { a: param(t.number), op: param(t.string), b: param(t.number) },
  outputs: { result: stdout(t.number) },
  script: ({ a, op, b }) => sh`case ${op} in -) echo $((${a} - ${b})) ;; *) echo $((${a} + ${b})) ;; esac`,
})

const return1 = shell({ name: 'return-1', image: 'alpine:3.23', outputs: { result: stdout(t.number) }, script: () => sh`echo 1` })

const fibonacci = recurse({
  name: 'fibonacci',
  inputs: { num: param(t.number) },
  outputs: { fib: param(t.number) },
  body: ({ num }, self) => {
    // fibonaccihelper(n) = fibonacci(n - 1) + fibonacci(n - 2): the outputs of the recursive calls, added
    const helper = subflow({
      name: 'fibonaccihelper',
      inputs: { 'num-1': param(t.number) },
      body: ({ 'num-1': n }) => {
        const sub1 = step('sub-1', doMath, { a: n, op: '-', b: 1 })
        const sub2 = step('sub-2', doMath, { a: n, op: '-', b: 2 })
        const fib1 = step('fib-sub-1', self, { num: sub1.outputs.result })
        const fib2 = step('fib-sub-2', self, { num: sub2.outputs.result })
        const add = step('add', doMath, { a: fib1.outputs.fib, op: '+', b: fib2.outputs.fib })
        return { run: seq(sub1, sub2, fib1, fib2, add), outputs: { result: add.outputs.result } }
      },
    })
    const small = expr`${num} <= 2`
    const one = step('return-1', return1, {}, { when: small })
    const more = step('fibonacci-helper', helper, { 'num-1': num }, { when: expr`${num} > 2` })
    return { run: seq(one, more), outputs: { fib: ifExpr(small, one.outputs.result, more.outputs.result) } }
  },
})

const printResult = shell({ name: 'printresult', image: 'busybox', inputs: { result: param(t.number) }, script: ({ result }) => sh`echo ${result}` })

export default workflow(
  'fibonacci',
  ({ num }) => {
    const main = step('fibonaccimain', fibonacci, { num })
    return seq(main, step('printresult', printResult, { result: main.outputs.fib }))
  },
  { parameters: { num: param(t.number, { default: 5 }) } },
)
