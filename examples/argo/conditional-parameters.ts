/**
 * Argo's conditional-parameters.yaml with a seeded coin: `heads` or `tails` runs under `when`, and the
 * template's output `stepresult` is chosen by an expression: it equals the coin.
 */
import { expr, ifExpr, par, param, py, script, seq, step, stdout, subflow, t, when, workflow } from 'dflow-ts'

const flipCoin = script({
  name: 'flip-coin',
  image: 'python:alpine3.23',
  inputs: { seed: param(t.number) },
  outputs: { result: stdout(t.string) },
  source: ({ seed }) => py`print("heads" if int(${seed}) % 2 == 0 else "tails")`,
})
const heads = script({ name: 'heads', image: 'python:alpine3.23', outputs: { result: stdout(t.string) }, source: () => py`print("heads")` })
const tails = script({ name: 'tails', image: 'python:alpine3.23', outputs: { result: stdout(t.string) }, source: () => py`print("tails")` })

const main = subflow({
  name: 'main',
  inputs: { seed: param(t.number) },
  body: ({ seed }) => {
    const flip = step('flip-coin', flipCoin, { seed })
    const isHeads = expr`${flip.outputs.result} == "heads"`
    const h = when(isHeads, step('heads', heads))
    const tl = when(expr`${flip.outputs.result} == "tails"`, step('tails', tails))
    return { run: seq(flip, par(h, tl)), outputs: { stepresult: ifExpr(isHeads, h.outputs.result, tl.outputs.result) } }
  },
})

export default workflow('conditional-parameter', ({ seed }) => step('main', main, { seed }), { parameters: { seed: param(t.number, { default: 1 }) } })
