/**
 * Argo's coinflip-recursive.yaml with a seeded coin: `flip-coin` says heads when its seed is a multiple of
 * 3 and passes seed + 1 on; on tails, `coinflip` calls itself with the next seed. From seed 1: tails,
 * tails, heads, then "it was heads" three levels down.
 */
import { expr, par, param, py, recurse, script, seq, sh, shell, step, stdout, t, when, workflow } from 'dflow-ts'

const flipCoin = script({
  name: 'flip-coin',
  image: 'python:alpine3.23',
  inputs: { seed: param(t.number) },
  outputs: { result: stdout(t.string), next: param(t.number, { path: 'next.txt' }) },
  source: ({ seed }, out) => py`
seed = int(${seed})
open(${out.next}, "w").write(str(seed + 1))
print("heads" if seed % 3 == 0 else "tails")
`,
})

const heads = shell({ name: 'heads', image: 'busybox', script: () => sh`echo "it was heads"` })

const coinflip = recurse({
  name: 'coinflip',
  inputs: { seed: param(t.number) },
  body: ({ seed }, self) => {
    const flip = step('flip-coin', flipCoin, { seed })
    return seq(
      flip,
      par(
        when(expr`${flip.outputs.result} == "heads"`, step('heads', heads)),
        when(expr`${flip.outputs.result} == "tails"`, step('tails', self, { seed: flip.outputs.next })),
      ),
    )
  },
})

export default workflow('coinflip-recursive', ({ seed }) => step('coinflip', coinflip, { seed }), { parameters: { seed: param(t.number, { default: 1 }) } })
