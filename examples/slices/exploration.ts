/**
 * A DP-GEN-like exploration stage: `configurations` makes 1,000 starting configurations (an id and a
 * temperature each); `explore` is sliced over them in groups of 50 with a pool of 4 (20 calls, each running
 * 4 slices at a time), and each slice returns its trajectory (10 frames of a damped oscillation at its
 * temperature) and the trajectory's model deviation; the trajectories and deviations are stacked in slice
 * order and `select` keeps the configurations whose deviation lies in the trust window [0.3, 0.6) — the
 * candidates a labelling stage would take. Expected: 20 `explore` calls, 1,000 slice records, 1,000 stacked
 * trajectories of 10 frames, and `select` returns the ids whose deviation `dev(t) = |sin(t)| · 0.9` (t the
 * temperature `100 + 0.5 · id`, in K/100) lies in the window.
 */
import { fn, param, seq, slice, step, t, workflow } from 'dflow-ts'

/** The model deviation of a trajectory at temperature `temp` (K): deterministic, so that tests can check it. @example deviation(100) // 0.757… */
export const deviation = (temp: number): number => Math.abs(Math.sin(temp / 100)) * 0.9

const configurations = fn(
  { name: 'configurations', module: import.meta.url, inputs: { n: param(t.number) }, outputs: { ids: param(t.array(t.number)), temps: param(t.array(t.number)) } },
  ({ n }) => ({ ids: Array.from({ length: n }, (_, i) => i), temps: Array.from({ length: n }, (_, i) => 100 + 0.5 * i) }),
)

const explore = fn(
  {
    name: 'explore',
    module: import.meta.url,
    inputs: { id: param(t.number), temp: param(t.number) },
    outputs: { trajectory: param(t.array(t.number)), dev: param(t.number), id: param(t.number) },
  },
  ({ id, temp }) => ({ trajectory: Array.from({ length: 10 }, (_, k) => Math.exp(-k / 5) * Math.cos((k * temp) / 100)), dev: deviation(temp), id }),
)

const select = fn(
  {
    name: 'select',
    module: import.meta.url,
    inputs: { ids: param(t.array(t.number)), devs: param(t.array(t.number)), trajectories: param(t.array(t.array(t.number))), lo: param(t.number), hi: param(t.number) },
    outputs: { selected: param(t.array(t.number)), frames: param(t.number) },
  },
  ({ ids, devs, trajectories, lo, hi }, ctx) => {
    const selected = ids.filter((_, k) => devs[k]! >= lo && devs[k]! < hi)
    ctx.log(`${selected.length} of ${ids.length} configurations selected`)
    return { selected, frames: trajectories.reduce((n, tr) => n + tr.length, 0) }
  },
)

export default workflow(
  'exploration',
  ({ n }) => {
    const confs = step('configurations', configurations, { n })
    const md = slice({ id: confs.outputs.ids, temp: confs.outputs.temps }, (s) => step('explore', explore, { id: s.id, temp: s.temp }), { groupSize: 50, poolSize: 4 })
    return seq(confs, md, step('select', select, { ids: md.outputs.id, devs: md.outputs.dev, trajectories: md.outputs.trajectory, lo: 0.3, hi: 0.6 }))
  },
  { parameters: { n: param(t.number, { default: 1000 }) } },
)
