/**
 * dflow's E10 and E13 with parameters (reference/dflow.md §5): `prepare` lists the task folders and their
 * inputs; `run` is sliced over both lists — one call per index, each reading its own `task` and `poscar` —
 * and keyed `run-0`, `run-1`, `run-2`; its `outcar` outputs are stacked in slice order into one list that
 * `summary` reads. Expected: 3 calls; `summary` prints the JSON list `["task.0000: This is poscar 0",
 * "task.0001: This is poscar 1","task.0002: This is poscar 2"]`.
 */
import { key, param, seq, sh, shell, slice, step, t, workflow } from 'dflow-ts'

const prepare = shell({
  name: 'prepare',
  inputs: { n: param(t.number) },
  outputs: { tasks: param(t.array(t.string), { path: 'tasks.json' }), poscars: param(t.array(t.string), { path: 'poscars.json' }) },
  script: ({ n }, out) =>
    sh`i=0; t=''; p=''; while [ $i -lt ${n} ]; do f=$(printf 'task.%04d' $i); t="$t${'"'}$f${'"'},"; p="$p${'"'}This is poscar $i${'"'},"; i=$((i + 1)); done; echo "[\${t%,}]" > ${out.tasks}; echo "[\${p%,}]" > ${out.poscars}`,
})

const run = shell({
  name: 'run',
  inputs: { task: param(t.string), poscar: param(t.string) },
  outputs: { outcar: param(t.string, { path: 'outcar.txt' }) },
  script: ({ task, poscar }, out) => sh`printf '%s: %s' ${task} ${poscar} > ${out.outcar}`,
})

const summary = shell({
  name: 'summary',
  inputs: { outcars: param(t.array(t.string)) },
  script: ({ outcars }) => sh`echo ${outcars}`,
})

export default workflow(
  'param-slices',
  ({ n }) => {
    const prep = step('prepare', prepare, { n })
    const sliced = slice({ task: prep.outputs.tasks, poscar: prep.outputs.poscars }, (s, i) => step('run', run, { task: s.task, poscar: s.poscar }, { key: key`run-${i}` }))
    return seq(prep, sliced, step('summary', summary, { outcars: sliced.outputs.outcar }))
  },
  { parameters: { n: param(t.number, { default: 3 }) } },
)
