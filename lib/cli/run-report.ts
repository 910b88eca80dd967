import type { Phase, Run, StepView } from '../local/index.ts'
import { color, duration, markOf, workflowOutputsLine, stepsTable } from './format.ts'

/**
 * What `dflow get` and `dflow watch` print of a run, on Argo or in a local run folder alike: the status line
 * (phase, time once it ended, counts per phase), a table of its steps, the failure message and where it is
 * (`workflow: NS/NAME` or `run folder: DIR`).
 *
 * @example
 * ```ts
 * console.log(runReport(run, `run folder: ${run.dir}`)) // 'steps Succeeded in 0.31s — 4 Succeeded\n  ✔ hello0 …'
 * ```
 */
export const runReport = (run: Run, where: string): string => {
  const steps = run.steps()
  const counts = new Map<Phase, number>()
  for (const s of steps) counts.set(s.phase, (counts.get(s.phase) ?? 0) + 1)
  const status = run.status === 'Succeeded' ? color.green(run.status) : run.status === 'Running' || run.status === 'Pending' ? color.yellow(run.status) : color.red(run.status)
  return [
    `${color.bold(run.name)} ${status}${run.record.finishedAt ? ` in ${duration(run.record.startedAt, run.record.finishedAt)}` : ''} — ${[...counts].map(([p, n]) => `${n} ${p}`).join(', ') || 'no steps'}`,
    ...(steps.length ? [stepsTable(steps, run.dir)] : []),
    ...workflowOutputsLine(run),
    ...(run.message ? [color.red(run.message)] : []),
    color.dim(where),
  ].join('\n')
}

/**
 * The JSON of `dflow get --json` (and of each line of `dflow watch --json`), the same on Argo and locally:
 * the run's name, status, message and times, and its steps with their decoded inputs and outputs; `extra`
 * adds where it is (`namespace`, or `dir`) and per step what only one side has (a pod's name).
 *
 * @example
 * ```ts
 * runJson(run, { dir: run.dir }) // { name: 'steps-…', status: 'Succeeded', …, steps: [{ id: 'hello0', … }], dir: '…' }
 * ```
 */
export const runJson = <S extends StepView>(run: Run, extra: Readonly<Record<string, unknown>> = {}, stepExtra: (s: S) => Readonly<Record<string, unknown>> = () => ({})) => ({
  name: run.name,
  status: run.status,
  message: run.message,
  startedAt: run.record.startedAt || undefined,
  finishedAt: run.record.finishedAt,
  ...(run.record.outputs ? { outputs: run.record.outputs } : {}),
  ...extra,
  steps: run.steps().map((s) => ({
    id: s.id,
    name: s.name,
    phase: s.phase,
    type: s.type,
    key: s.key,
    exitCode: s.exitCode,
    message: s.message,
    attempts: s.attempts.length,
    startedAt: s.record.startedAt,
    finishedAt: s.record.finishedAt,
    inputs: s.inputs,
    outputs: s.outputs,
    ...stepExtra(s as S),
  })),
})

/** The exit status of `dflow get` and `dflow watch`: 0 Succeeded, 3 while it runs, 1 otherwise. @example exitOf(run) // 0 */
export const exitOf = (run: Run): number => (run.status === 'Succeeded' ? 0 : run.status === 'Running' || run.status === 'Pending' ? 3 : 1)

/**
 * The line `dflow watch` prints when a step changes phase (only for a change): its mark, id and phase, and
 * the first line of the message of a failure. `seen` keeps the phases printed.
 *
 * @example
 * ```ts
 * const seen = new Map<string, string>()
 * for (const l of stepChanges(run, seen)) console.log(l) // '✔ hello0 Succeeded'
 * ```
 */
export const stepChanges = (run: Run, seen: Map<string, string>): readonly string[] =>
  run.steps().flatMap((s) => {
    if (seen.get(s.id) === s.phase) return []
    seen.set(s.id, s.phase)
    return [`${markOf(s.phase)} ${s.id} ${color.dim(s.phase)}${s.phase === 'Failed' || s.phase === 'Error' ? ` ${(s.message ?? '').split('\n')[0]}` : ''}`]
  })
