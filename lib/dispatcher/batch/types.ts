/**
 * The one interface every batch system implements, and the data it works on: a job description in, a script
 * and command lines out, scheduler output in, verdicts out. Everything here is pure; commands run through an
 * {@link Exec} given by the caller (local now, an SSH context later).
 *
 * @example
 * ```ts
 * const job: BatchJob = { name: 'step-1', command: 'echo hi', workDir: '/scratch/run/step-1' }
 * slurm.render(job) // '#!/bin/bash\n#SBATCH --job-name=step-1\n…'
 * ```
 */

/** What the scheduler says of a job, reduced to what a workflow engine acts on. */
export type Verdict =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timeout'
  | 'node-fail'
  | 'preempted'
  | 'out-of-memory'
  | 'unknown'

/** One job's state: the verdict, the scheduler's own word for it, and what else it told. @example { verdict: 'failed', raw: 'FAILED', reason: 'NonZeroExitCode' } */
export interface JobState {
  readonly verdict: Verdict
  /** The scheduler's state as printed (`COMPLETED`, `qw`, `F`, `EXIT`, …). */
  readonly raw: string
  readonly reason?: string
  readonly exitCode?: number
}

/** Resources of one job. @example { cpus: 4, memoryMiB: 2048, gpus: 1, walltimeSeconds: 3600 } */
export interface BatchResources {
  /** CPUs per node (Slurm --cpus-per-task, PBS ncpus, LSF -n per node, SGE slots of the parallel environment). */
  readonly cpus?: number
  /** Memory per node in MiB. */
  readonly memoryMiB?: number
  readonly gpus?: number
  /** Wall-clock limit in seconds (Slurm rounds it up to whole minutes, LSF takes minutes). */
  readonly walltimeSeconds?: number
}

/** A call to run as one batch job. @example { name: 'a', command: 'true', workDir: '/tmp/a', queue: 'debug' } */
export interface BatchJob {
  /** Job name: letters, digits, `.`, `_`, `-`; starts with a letter (SGE and PBS refuse a leading digit). */
  readonly name: string
  /** Shell text run by bash in `workDir`; its exit status is the job's. */
  readonly command: string
  /** Absolute directory (no spaces or quotes: header lines cannot quote) the job runs in; its script, output and exit-code files are written there. */
  readonly workDir: string
  readonly env?: Readonly<Record<string, string>>
  readonly resources?: BatchResources
  /** Slurm partition, SGE/PBS/LSF queue. */
  readonly queue?: string
  readonly nodes?: number
  /** Raw scheduler header lines (`#SBATCH --account=x`), appended after the generated ones. */
  readonly header?: readonly string[]
  /** `module load` names, in order. */
  readonly modules?: readonly string[]
  /** Shell text run before the command (after env and modules) and after it (its status is ignored). */
  readonly pre?: string
  readonly post?: string
  /**
   * A job array of this many elements (systems with {@link BatchSystem.array} only): the body sees its element's
   * 0-based index in `$DFLOW_ARRAY_INDEX`, and each element writes its own exit-code file (`NAME.INDEX.exit`).
   */
  readonly array?: number
}

/** A command line to run, with its working directory and standard input. @example { argv: ['sbatch', '--parsable', 'job.sh'], cwd: '/tmp/a' } */
export interface Command {
  readonly argv: readonly string[]
  readonly cwd?: string
  readonly input?: string
}

/** What a command did. @example { exitCode: 0, stdout: '42\n', stderr: '' } */
export interface CommandResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command somewhere (here, or on a login node over SSH). Never rejects for a non-zero exit. @example const r = await exec({ argv: ['true'] }) */
export type Exec = (command: Command) => Promise<CommandResult>

/** A submission's outcome: the job id, or the scheduler's refusal. @example { id: '42' } */
export type Submitted = { readonly id: string } | { readonly error: string }

/** A further batched status query for ids the main one no longer knows (Slurm's sacct after squeue forgets). */
export interface StatusFallback {
  readonly command: (ids: readonly string[]) => Command
  readonly parse: (result: CommandResult, ids: readonly string[]) => ReadonlyMap<string, JobState>
}

/**
 * How a system runs job arrays (its header asks for `job.array` elements): the element's index as a 0-based
 * shell expression, and the id of element `index` of array job `id` (what status and cancel take).
 *
 * @example
 * ```ts
 * slurm.array?.elementId('64', 3) // '64_3'
 * sge.array?.elementId('49', 3) // '49.4' (SGE's tasks are 1-based)
 * ```
 */
export interface ArraySupport {
  readonly index: string
  readonly elementId: (id: string, index: number) => string
  /** One query for the largest array the site allows (Slurm MaxArraySize, SGE max_aj_tasks), in elements. */
  readonly limit: { readonly command: Command; readonly parse: (result: CommandResult) => number | undefined }
}

/**
 * One query for jobs by name (for reattach when only the intent was journaled): name → the job's id (an array's own id).
 *
 * @example
 * ```ts
 * slurm.byName?.command(['dfa', 'dfb']).argv // ['squeue', '--me', '-h', '-t', 'all', '--name=dfa,dfb', '-o', '%F|%j']
 * ```
 */
export interface NameLookup {
  readonly command: (names: readonly string[]) => Command
  readonly parse: (result: CommandResult, names: readonly string[]) => ReadonlyMap<string, string>
}

/**
 * A batch system: pure functions from jobs to scripts and command lines, and from its output to data.
 *
 * @example
 * ```ts
 * const cmd = slurm.status(['41', '42'])        // ONE query for every job
 * const states = slurm.parseStatus(await exec(cmd), ['41', '42'])
 * ```
 */
export interface BatchSystem {
  readonly name: 'slurm' | 'sge' | 'pbs' | 'lsf' | 'shell'
  /** The job script (shebang on line 1, scheduler header, then the body with its exit-code trailer). */
  readonly render: (job: BatchJob) => string
  readonly submit: (scriptPath: string, job: BatchJob) => Command
  readonly parseSubmit: (result: CommandResult) => Submitted
  /** One query for all ids. */
  readonly status: (ids: readonly string[]) => Command
  /** States of the ids the output names; an id it does not name is absent (the exit-code file decides). */
  readonly parseStatus: (result: CommandResult, ids: readonly string[]) => ReadonlyMap<string, JobState>
  readonly fallbacks: readonly StatusFallback[]
  readonly cancel: (ids: readonly string[]) => Command
  /** Job arrays, where the system has them (Slurm, SGE). */
  readonly array?: ArraySupport
  /** Finding jobs by name (not the shell system: its job is a pid). */
  readonly byName?: NameLookup
}
