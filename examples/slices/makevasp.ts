/**
 * dflow's E13 (tests/test_makevasp.py): a nested steps template `vasp-steps` (input `numb_vasp`, default 3)
 * runs `make-poscar` and `make-potcar` in parallel — each writes `task.000i/POSCAR` (`POTCAR`) = "This is
 * poscar i" ("This is potcar i") for i < numb_vasp and returns the files as one list artifact (stored
 * unarchived) and the task folders as a list `task_subdirs` —, then `vasp-run` sliced over three lists at once:
 * the parameter `task_subdirs` and the artifacts `poscar` and `potcar` (dflow's `input_parameter` +
 * `input_artifact`); each call stages only its POSCAR and POTCAR and writes `TASK/OUTCAR` and `TASK/log`, and
 * the slices' `outcar` and `log` are stacked in slice order (`output_artifact`, each slice under its own
 * entry: dflow's `create_dir`); `vasp-res` reads both stacks. The template exposes vasp-res's findings.
 * Expected: 3 `vasp-run` calls; the stacks hold `task.000i/OUTCAR` = "This is poscar i\nThis is potcar i" and
 * `task.000i/log` = "this is log\nThis is poscar i\nThis is potcar i" in order i = 0, 1, 2; vasp-res reports
 * the 3 OUTCAR paths and the 3 log paths, sorted.
 */
import { artifact, artifactList, fn, par, param, seq, slice, step, subflow, t, workflow } from 'dflow-ts'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const taskDir = (i: number) => `task.${String(i).padStart(4, '0')}`

/** Writes `task.000i/FILE` = "This is WHAT i" for i < n; returns the files and the task folders. */
const writeTasks = (n: number, what: string): { files: string[]; tasks: string[] } => {
  const tasks = Array.from({ length: n }, (_, i) => taskDir(i))
  for (const [i, task] of tasks.entries()) {
    mkdirSync(task, { recursive: true })
    writeFileSync(join(task, what.toUpperCase()), `This is ${what} ${i}`)
  }
  return { files: tasks.map((task) => join(task, what.toUpperCase())), tasks }
}

const makePoscar = fn(
  { name: 'make-poscar', module: import.meta.url, inputs: { numb_vasp: param(t.number) }, outputs: { poscar: artifactList({ archive: 'none' }), task_subdirs: param(t.array(t.string)) } },
  ({ numb_vasp }) => {
    const { files, tasks } = writeTasks(numb_vasp, 'poscar')
    return { poscar: files, task_subdirs: tasks }
  },
)
const makePotcar = fn(
  { name: 'make-potcar', module: import.meta.url, inputs: { numb_vasp: param(t.number) }, outputs: { potcar: artifactList({ archive: 'none' }), task_subdirs: param(t.array(t.string)) } },
  ({ numb_vasp }) => {
    const { files, tasks } = writeTasks(numb_vasp, 'potcar')
    return { potcar: files, task_subdirs: tasks }
  },
)

/** One VASP task: reads its POSCAR and POTCAR, writes TASK/OUTCAR and TASK/log (each output a folder holding TASK/…). */
const vaspRun = fn(
  { name: 'vasp-run', module: import.meta.url, inputs: { task_subdir: param(t.string), poscar: artifact(), potcar: artifact() }, outputs: { outcar: artifact(), log: artifact() } },
  ({ task_subdir, poscar, potcar }) => {
    const both = `${readFileSync(poscar, 'utf8')}\n${readFileSync(potcar, 'utf8')}`
    mkdirSync(join('outcar', task_subdir), { recursive: true })
    mkdirSync(join('log', task_subdir), { recursive: true })
    writeFileSync(join('outcar', task_subdir, 'OUTCAR'), both)
    writeFileSync(join('log', task_subdir, 'log'), `this is log\n${both}`)
    return { outcar: 'outcar', log: 'log' }
  },
)

/** The files under a folder, as `/`-joined paths relative to it, sorted. */
const filesUnder = (dir: string, at = ''): string[] =>
  readdirSync(join(dir, at), { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(at, e.name)) : [join(at, e.name)]))
    .sort()

const vaspRes = fn(
  {
    name: 'vasp-res',
    module: import.meta.url,
    inputs: { outcar: artifactList(), log: artifactList() },
    outputs: { outcars: param(t.array(t.string)), logs: param(t.array(t.string)), outcarTexts: param(t.array(t.string)), logTexts: param(t.array(t.string)) },
  },
  ({ outcar, log }, ctx) => {
    const outcars = outcar.flatMap((d) => filesUnder(d).map((f) => [f, readFileSync(join(d, f), 'utf8')] as const))
    const logs = log.flatMap((d) => filesUnder(d).map((f) => [f, readFileSync(join(d, f), 'utf8')] as const))
    ctx.log(outcars.map(([f]) => f).sort().join('\n'))
    ctx.log(logs.map(([f]) => f).sort().join('\n'))
    return { outcars: outcars.map(([f]) => f).sort(), logs: logs.map(([f]) => f).sort(), outcarTexts: outcars.map(([, x]) => x), logTexts: logs.map(([, x]) => x) }
  },
)

export const vaspSteps = subflow({
  name: 'vasp-steps',
  inputs: { numb_vasp: param(t.number, { default: 3 }) },
  body: ({ numb_vasp }) => {
    const poscar = step('make-poscar', makePoscar, { numb_vasp })
    const potcar = step('make-potcar', makePotcar, { numb_vasp })
    const run = slice({ task_subdir: poscar.outputs.task_subdirs, poscar: poscar.outputs.poscar, potcar: potcar.outputs.potcar }, (s) =>
      step('vasp-run', vaspRun, { task_subdir: s.task_subdir, poscar: s.poscar, potcar: s.potcar }),
    )
    const res = step('vasp-res', vaspRes, { outcar: run.outputs.outcar, log: run.outputs.log })
    return { run: seq(par(poscar, potcar), run, res), outputs: { outcars: res.outputs.outcars, logs: res.outputs.logs, outcarTexts: res.outputs.outcarTexts, logTexts: res.outputs.logTexts } }
  },
})

export default workflow('makevasp', step('vasp', vaspSteps))
