import { problem, type Problem } from './problem.ts'

/** The batch systems a template may ask for. @example BATCH_SYSTEM_NAMES.includes('slurm') // true */
export const BATCH_SYSTEM_NAMES = ['slurm', 'pbs', 'lsf', 'sge', 'shell'] as const

/**
 * A template's request to run each of its calls as a batch job, inside any interpreter that can hand it to
 * the dispatcher (`dflow run`, and `local({ batch: batchJobs() })` from `dflow-ts/dispatcher`): the system, and
 * on top of the template's `resources` (cpu, memory, `nvidia.com/gpu`, which map to the system's options) the
 * partition or queue, nodes, walltime (seconds or `[D-]HH:MM:SS`), raw header lines, `module load` names, the
 * job's environment and a pre/post script. Pure data; the dispatcher renders it in the system's own words.
 *
 * @example
 * ```ts
 * shell({ name: 'relax', batch: { system: 'slurm', partition: 'gpu', walltime: '02:00:00', modules: ['vasp/6'] },
 *   resources: { limits: { cpu: '16', 'nvidia.com/gpu': '1' } }, script: () => sh`vasp_std` })
 * // on the dispatcher: #SBATCH --partition=gpu --time=0-02:00:00 --cpus-per-task=16 --gres=gpu:1, module load vasp/6
 * ```
 */
export interface BatchSettings extends BatchJobOptions {
  readonly system: (typeof BATCH_SYSTEM_NAMES)[number]
}

/**
 * The job settings of a `batch` request, its system aside — what the dispatcher's `jobShape` layers (from a
 * template, a run's `--machine`/`--resources`, DPDispatcher's dicts).
 *
 * @example
 * ```ts
 * const o: BatchJobOptions = { partition: 'gpu', nodes: 1, walltime: '02:00:00', modules: ['cuda/12'] }
 * ```
 */
export interface BatchJobOptions {
  /** Slurm's word for the queue; the other systems say `queue` (one setting: give one). */
  readonly partition?: string
  readonly queue?: string
  readonly nodes?: number
  readonly walltime?: number | string
  /** Raw scheduler header lines (`#SBATCH --account=chem`), after the generated ones. */
  readonly header?: readonly string[]
  readonly modules?: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  readonly pre?: string
  readonly post?: string
}

/** The names of {@link BatchJobOptions}' fields. @example BATCH_JOB_KEYS.includes('walltime') // true */
export const BATCH_JOB_KEYS: readonly (keyof BatchJobOptions)[] = ['partition', 'queue', 'nodes', 'walltime', 'header', 'modules', 'env', 'pre', 'post']

const KEYS: readonly string[] = ['system', ...BATCH_JOB_KEYS]
const WALLTIME = /^(?:\d+-)?(?:\d+:)?\d+:\d+$/
const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string')

/**
 * What is wrong with a template's `batch` settings, each problem naming the field under `path` and the fix.
 *
 * @example
 * ```ts
 * batchProblems({ system: 'torque' } as never, ['templates', 'relax']).map((p) => p.path.join('.')) // ['templates.relax.batch.system']
 * ```
 */
export const batchProblems = (b: BatchSettings | undefined, path: readonly string[]): Problem[] => {
  if (b === undefined) return []
  const at = [...path, 'batch']
  if (typeof b !== 'object' || b === null) return [problem(at, 'batch must be an object', "for example batch: { system: 'slurm', partition: 'debug' }")]
  return [
    ...(BATCH_SYSTEM_NAMES.includes(b.system) ? [] : [problem([...at, 'system'], `batch system ${JSON.stringify(b.system)} is not one of ${BATCH_SYSTEM_NAMES.join(', ')}`, "for example system: 'slurm'")]),
    ...jobOptionProblems(b, at, KEYS),
  ]
}

/**
 * What is wrong with a step's `batch` settings (its job's options over its template's; no `system`: which
 * system runs the job is the template's or the run's), each problem naming the field under `path`.
 *
 * @example
 * ```ts
 * stepBatchProblems({ system: 'slurm' } as never, ['wf', 'relax']).map((p) => p.path.join('.')) // ['wf.relax.batch.system']
 * ```
 */
export const stepBatchProblems = (b: BatchJobOptions | undefined, path: readonly string[]): Problem[] => {
  if (b === undefined) return []
  const at = [...path, 'batch']
  if (typeof b !== 'object' || b === null) return [problem(at, 'batch must be an object', "for example batch: { partition: 'debug', walltime: '01:00:00' }")]
  return jobOptionProblems(b, at, BATCH_JOB_KEYS)
}

/** The checks of the job options under `at` (fields outside `keys` are unknown). */
const jobOptionProblems = (b: BatchJobOptions, at: readonly string[], keys: readonly string[]): Problem[] => {
  const out: Problem[] = []
  for (const k of Object.keys(b))
    if (!keys.includes(k))
      out.push(problem([...at, k], `unknown batch setting "${k}"`, k === 'system' ? "a step's job runs on its template's (or the run's) system: set system on the template" : `use one of ${keys.join(', ')}`))
  for (const k of ['partition', 'queue', 'pre', 'post'] as const)
    if (b[k] !== undefined && (typeof b[k] !== 'string' || b[k] === '')) out.push(problem([...at, k], `${k} must be a non-empty string`))
  if (b.partition !== undefined && b.queue !== undefined && b.partition !== b.queue)
    out.push(problem([...at, 'queue'], `partition ${JSON.stringify(b.partition)} and queue ${JSON.stringify(b.queue)} differ`, 'they are one setting: give one'))
  if (b.nodes !== undefined && !(Number.isInteger(b.nodes) && b.nodes > 0)) out.push(problem([...at, 'nodes'], `nodes must be a whole number > 0, got ${JSON.stringify(b.nodes)}`))
  if (b.walltime !== undefined && !(typeof b.walltime === 'number' ? Number.isInteger(b.walltime) && b.walltime > 0 : typeof b.walltime === 'string' && WALLTIME.test(b.walltime)))
    out.push(problem([...at, 'walltime'], `walltime ${JSON.stringify(b.walltime)} is not a duration`, 'give seconds, or HH:MM:SS, or D-HH:MM:SS'))
  for (const k of ['header', 'modules'] as const) if (b[k] !== undefined && !strings(b[k])) out.push(problem([...at, k], `${k} must be a list of strings`))
  for (const [i, l] of (strings(b.header) ? b.header! : []).entries()) if (l.includes('\n')) out.push(problem([...at, 'header', String(i)], 'a header line contains a newline', 'give one line per entry'))
  if (b.env !== undefined)
    for (const [k, v] of Object.entries(b.env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out.push(problem([...at, 'env', k], `${JSON.stringify(k)} is not an environment variable name`))
      if (typeof v !== 'string') out.push(problem([...at, 'env', k], `the value of ${k} must be a string`))
    }
  return out
}
