/**
 * A DP-GEN-like exploration stage of shell templates (issue 11: "for shell and script templates a small
 * wrapper runs the script once per slice"): `configurations` prints 200 starting configurations (an id and a
 * temperature `100 + 2.5 · id` each); `explore`, a shell template, is sliced over them in groups of 50 with a
 * pool of 4 (4 calls, each running its 50 slices 4 at a time, each slice in a folder of its own); each slice
 * writes its trajectory (10 frames of a damped oscillation at its temperature) as an artifact and its model
 * deviation `|sin(t/100)| · 0.9` as a parameter (6 decimals); the deviations, ids and trajectories are
 * stacked in slice order, and `select` (shell too) keeps the ids whose deviation lies in the trust window
 * [0.3, 0.6) and counts the frames it was given. Expected: 4 `explore` calls, 200 slice records (keyed
 * `explore-ID`), 200 stacked deviations, `select.outputs.frames` = 2000, and `select.outputs.selected` = the
 * ids whose deviation (rounded to 6 decimals) lies in the window — see {@link expectedSelection}.
 */
import { artifact, artifactList, key, param, seq, sh, shell, slice, step, t, workflow } from 'dflow-ts'

/** The ids `select` keeps out of `n` configurations: deviation `|sin(t/100)| · 0.9` at `t = 100 + 2.5 · id`, rounded to 6 decimals, in [0.3, 0.6). @example expectedSelection(200).length // the candidates */
export const expectedSelection = (n: number): number[] =>
  Array.from({ length: n }, (_, id) => id).filter((id) => {
    const dev = Number((Math.abs(Math.sin((100 + 2.5 * id) / 100)) * 0.9).toFixed(6))
    return dev >= 0.3 && dev < 0.6
  })

const configurations = shell({
  name: 'configurations',
  inputs: { n: param(t.number) },
  outputs: { ids: param(t.array(t.number), { path: 'ids.json' }), temps: param(t.array(t.number), { path: 'temps.json' }) },
  script: ({ n }) => sh`awk -v n=${n} 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "%s%d", (i ? "," : ""), i; print "]" }' > ids.json
awk -v n=${n} 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "%s%s", (i ? "," : ""), 100 + 2.5 * i; print "]" }' > temps.json`,
})

/** One configuration's exploration: its trajectory (an artifact, one frame a line) and its model deviation. */
export const explore = shell({
  name: 'explore',
  inputs: { id: param(t.number), temp: param(t.number) },
  outputs: { dev: param(t.number, { path: 'dev.txt' }), id: param(t.number, { path: 'id.txt' }), trajectory: artifact({ path: 'traj.txt' }) },
  script: ({ id, temp }) => sh`awk -v t=${temp} 'BEGIN { for (k = 0; k < 10; k++) printf "%.6f\n", exp(-k / 5) * cos(k * t / 100) }' > traj.txt
awk -v t=${temp} 'BEGIN { s = sin(t / 100); if (s < 0) s = -s; printf "%.6f\n", s * 0.9 }' > dev.txt
echo ${id} > id.txt`,
})

const select = shell({
  name: 'select',
  inputs: { ids: param(t.array(t.number)), devs: param(t.array(t.number)), trajectories: artifactList(), lo: param(t.number), hi: param(t.number) },
  outputs: { selected: param(t.array(t.number), { path: 'selected.json' }), frames: param(t.number, { path: 'frames.txt' }) },
  // The lists arrive as JSON (locally numbers, on Argo the wire strings of the calls' outputs): one value a line.
  script: ({ ids, devs, trajectories, lo, hi }) => sh`printf '%s' ${ids} | tr -d '[]" ' | tr ',' '\n' > ids.txt
printf '%s' ${devs} | tr -d '[]" ' | tr ',' '\n' > devs.txt
paste ids.txt devs.txt | awk -v lo=${lo} -v hi=${hi} 'BEGIN { printf "[" } $2 + 0 >= lo + 0 && $2 + 0 < hi + 0 { printf "%s%s", (n++ ? "," : ""), $1 } END { print "]" }' > selected.json
cat ${trajectories}/[0-9]* | wc -l | tr -d ' ' > frames.txt
echo "$(tr ',' '\n' < selected.json | grep -c .) of $(grep -c . ids.txt) configurations selected"`,
})

export default workflow(
  'shell-exploration',
  ({ n }) => {
    const confs = step('configurations', configurations, { n })
    const md = slice({ id: confs.outputs.ids, temp: confs.outputs.temps }, (s) => step('explore', explore, { id: s.id, temp: s.temp }, { key: key`explore-${s.id}` }), { groupSize: 50, poolSize: 4 })
    return seq(confs, md, step('select', select, { ids: md.outputs.id, devs: md.outputs.dev, trajectories: md.outputs.trajectory, lo: 0.3, hi: 0.6 }))
  },
  { parameters: { n: param(t.number, { default: 200 }) } },
)
