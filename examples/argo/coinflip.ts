/**
 * Argo's coinflip.yaml with a seeded coin: `flip-coin` prints heads or tails (from the workflow parameter
 * `seed`: even is heads, so that runs are reproducible), then `heads` or `tails` runs under `when`; the other branch is Skipped.
 */
import { expr, par, param, py, script, seq, sh, shell, step, stdout, subflow, t, when, workflow } from 'dflow-ts'

const flipCoin = script({
  name: 'flip-coin',
  image: 'python:alpine3.6',
  inputs: { seed: param(t.number) },
  outputs: { result: stdout(t.string) },
  source: ({ seed }) => py`
result = "heads" if int(${seed}) % 2 == 0 else "tails"
print(result)
`,
})

const heads = shell({ name: 'heads', image: 'alpine:3.6', script: () => sh`echo "it was heads"` })
const tails = shell({ name: 'tails', image: 'alpine:3.6', script: () => sh`echo "it was tails"` })

const coinflip = subflow({
  name: 'coinflip',
  inputs: { seed: param(t.number) },
  body: ({ seed }) => {
    const flip = step('flip-coin', flipCoin, { seed })
    return seq(
      flip,
      par(
        when(expr`${flip.outputs.result} == "heads"`, step('heads', heads)),
        when(expr`${flip.outputs.result} == "tails"`, step('tails', tails)),
      ),
    )
  },
})

export default workflow('coinflip', ({ seed }) => step('coinflip', coinflip, { seed }), { parameters: { seed: param(t.number, { default: 1 }) } })
