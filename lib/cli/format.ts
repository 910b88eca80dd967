import { relative } from 'node:path'
import type { Phase, Run, StepView } from '../local/index.ts'
import { isLocation } from '../storage/location.ts'
import { reusedNote } from './reused-note.ts'

const TTY = process.stdout.isTTY === true && !process.env.NO_COLOR
const paint = (code: number) => (s: string) => (TTY ? `\u001b[${code}m${s}\u001b[0m` : s)
/** Terminal colours (off when stdout is not a terminal or NO_COLOR is set). */
export const color = { green: paint(32), red: paint(31), yellow: paint(33), dim: paint(2), bold: paint(1) }

const MARK: Readonly<Record<Phase, string>> = {
  Pending: '·',
  Running: '▶',
  Succeeded: color.green('✔'),
  Failed: color.red('✘'),
  Error: color.red('!'),
  Skipped: color.dim('-'),
  Omitted: color.dim('○'),
}

/** The mark for a phase. @example markOf('Succeeded') // '✔' */
export const markOf = (p: Phase): string => MARK[p]

/** Milliseconds between two ISO times, as `1.23s`. @example duration('…', '…') // '0.02s' */
export const duration = (from?: string, to?: string): string =>
  from && to ? `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(2)}s` : ''

const short = (v: unknown, runDir: string): string => {
  // An artifact shows where it is: its path on this machine, else its store and key.
  const shown = isLocation(v) ? (v.path ?? `${v.store}${v.key}`) : v
  const s = typeof shown === 'string' ? (runDir !== '' && shown.startsWith(runDir) ? relative(runDir, shown) : shown) : JSON.stringify(shown)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** One line per output: `name=value`. */
const outputsLine = (s: StepView, runDir: string): string =>
  Object.entries(s.outputs)
    .map(([k, v]) => `${k}=${short(v, runDir)}`)
    .join(' ')

/** A batch step's job: `[slurm 42 RUNNING]` (system, id, the scheduler's state), or nothing. */
const jobOf = (s: StepView): string => {
  const j = s.record.job
  return j ? color.dim(`[${j.system} ${j.id ?? j.name}${j.state ? ` ${j.state}` : ''}] `) : ''
}

/**
 * A table of steps: mark, id, phase, duration, the batch job it ran in (system, job id, scheduler state), and
 * outputs (or the failure message).
 *
 * @example
 * ```ts
 * console.log(stepsTable(run.steps(), run.dir))
 * ```
 */
export const stepsTable = (steps: readonly StepView[], runDir: string): string => {
  const w = Math.max(4, ...steps.map((s) => s.id.length))
  return steps
    .map((s) => {
      const tried = s.attempts.length > 1 ? `(${s.attempts.length} attempts) ` : ''
      const tail = jobOf(s) + tried + reusedNote(s.record) + (s.phase === 'Succeeded' ? outputsLine(s, runDir) : (s.message ?? '').split('\n')[0])
      return `  ${markOf(s.phase)} ${s.id.padEnd(w)}  ${s.phase.padEnd(9)} ${duration(s.record.startedAt, s.record.finishedAt).padStart(7)}  ${tail}`
    })
    .join('\n')
}

/** How many failed steps a quiet summary lists at most. */
const QUIET_FAILED = 20

/** A quiet summary's table: the failed steps only (at most {@link QUIET_FAILED}, then how to list the rest). */
const failedTable = (run: Run): string[] => {
  const failed = run.steps({ phase: ['Failed', 'Error'] })
  const more = failed.length - QUIET_FAILED
  return [
    ...(failed.length ? [stepsTable(failed.slice(0, QUIET_FAILED), run.dir)] : []),
    ...(more > 0 ? [color.dim(`  … and ${more} more: dflow steps ${run.dir} --phase Failed --phase Error`)] : []),
  ]
}

/**
 * The run's workflow outputs (`global: NAME`, Argo's globalName) as one line, `workflow outputs: NAME=VALUE …`
 * (an artifact by its key), or nothing when it has none.
 *
 * @example
 * ```ts
 * workflowOutputsLine(run) // ['workflow outputs: my-global-param=hello world my-global-art=…/hello_world.txt']
 * ```
 */
export const workflowOutputsLine = (run: Run): string[] => {
  const o = run.record.outputs
  if (!o) return []
  const all = [...Object.entries(o.parameters), ...Object.entries(o.artifacts)].map(([k, v]) => `${k}=${short(v ?? 'none', run.dir)}`)
  return all.length ? [`workflow outputs: ${all.join(' ')}`] : []
}

/**
 * The closing summary of a run: the status line (phase, time, counts per phase), a table of its steps, the
 * failure message and the run folder. `quiet` lists only the failed steps (a 10,000-call fan-out prints a
 * few lines, not 10,001).
 *
 * @example
 * ```ts
 * console.log(summary(run, { quiet: true })) // 'steps Succeeded in 0.31s — 4 Succeeded\nrun folder: …'
 * ```
 */
export const summary = (run: Run, { quiet = false }: { readonly quiet?: boolean } = {}): string => {
  const counts = new Map<Phase, number>()
  for (const s of run.steps()) counts.set(s.phase, (counts.get(s.phase) ?? 0) + 1)
  const status = run.status === 'Succeeded' ? color.green(run.status) : color.red(run.status)
  return [
    `${color.bold(run.name)} ${status} in ${duration(run.record.startedAt, run.record.finishedAt)} — ${[...counts].map(([p, n]) => `${n} ${p}`).join(', ') || 'no steps'}`,
    ...(quiet ? failedTable(run) : [stepsTable(run.steps(), run.dir)]),
    ...workflowOutputsLine(run),
    ...(run.message ? [color.red(run.message)] : []),
    color.dim(`run folder: ${run.dir}`),
  ].join('\n')
}
