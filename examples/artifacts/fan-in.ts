/**
 * Fan-in of artifacts: a fan-out writes one file per item, and one step reads them all as a list artifact
 * (`artifactList()`), one entry per call named by its item index. On Argo each call writes its file under
 * `{{workflow.name}}/dflow-fan-in/fan-in/square/out/INDEX` and `total` reads the prefix as a folder (key-only
 * artifacts: the cluster's artifact repository). Locally `total` gets one folder: entries 0…3 and a dflow catalog.
 *
 * ```sh
 * dflow compile examples/artifacts/fan-in.ts --artifact-repository repo.yaml   # or --artifact-repository-ref CONFIGMAP/KEY
 * ```
 */
import { artifact, artifactList, forEach, param, seq, sh, shell, step, stdout, t, workflow } from 'dflow-ts'

const gen = shell({ name: 'gen', outputs: { list: stdout(t.array(t.number)) }, script: () => sh`echo '[1, 2, 3, 4]'` })

const square = shell({
  name: 'square',
  inputs: { n: param(t.number) },
  outputs: { out: artifact({ path: 'square.txt' }) },
  script: ({ n }) => sh`echo $((${n} * ${n})) > square.txt`,
})

/** Sums the files of its list artifact, in item order (entries 0, 1, …). */
const total = shell({
  name: 'total',
  inputs: { parts: artifactList() },
  outputs: { sum: stdout(t.number) },
  script: ({ parts }) => sh`cd ${parts} && ls | sort -n | while read -r f; do cat "$f"; done | awk '{ s += $1 } END { print s }'`,
})

const g = step('gen', gen)
const squares = forEach(g.outputs.list, (n) => step('square', square, { n }))

export default workflow('fan-in', seq(g, squares, step('total', total, { parts: squares.outputs.out })))
