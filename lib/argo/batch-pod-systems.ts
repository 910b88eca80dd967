/**
 * What a batch pod runs on the login node, per batch system, as shell text: how to read the job id from the
 * submit command's output, and a test that holds while the job is queued or running (`$id` is the job id).
 * The job's own end is read from the exit-status file its command writes; these only tell a job that is still
 * there from one the scheduler ended without it (cancelled, timed out, preempted).
 *
 * @example
 * ```ts
 * POD_BATCH_COMMANDS.slurm.alive // '[ -n "$(squeue -h -j "$id" -o %T 2>/dev/null)" ]'
 * ```
 */
export interface PodBatchCommands {
  /** A filter from the submit command's standard output to the job id alone. */
  readonly id: string
  /** Exits 0 while the job `$id` is queued or running. */
  readonly alive: string
}

/** The batch systems a batch pod can submit to. @example const s: PodBatchSystemName = 'slurm' */
export type PodBatchSystemName = 'slurm' | 'sge' | 'pbs' | 'lsf' | 'shell'

/** Each system's {@link PodBatchCommands}. @example POD_BATCH_COMMANDS.sge.id // 'cut -d. -f1' */
export const POD_BATCH_COMMANDS: Readonly<Record<PodBatchSystemName, PodBatchCommands>> = {
  // sbatch --parsable: `42` or `42;cluster`; squeue without -t lists only pending and running jobs
  slurm: { id: "cut -d';' -f1", alive: '[ -n "$(squeue -h -j "$id" -o %T 2>/dev/null)" ]' },
  // qsub -terse: `17` (`18.1-3:1` for an array); qstat -j knows only jobs not yet finished
  sge: { id: 'cut -d. -f1', alive: 'qstat -j "$id" >/dev/null 2>&1' },
  // qsub: `1234.server`; without -x, qstat answers "Unknown Job Id" for a finished job
  pbs: { id: 'head -n1', alive: 'qstat "$id" >/dev/null 2>&1' },
  // bsub: `Job <123> is submitted to queue <normal>.`
  lsf: { id: "sed -n 's/^Job <\\([0-9]*\\)>.*/\\1/p'", alive: 'bjobs -noheader -o stat "$id" 2>/dev/null | grep -qE "PEND|RUN|SUSP|WAIT|PROV"' },
  // a detached process: its pid is its session
  shell: { id: 'head -n1', alive: 'kill -0 "$id" 2>/dev/null' },
}
