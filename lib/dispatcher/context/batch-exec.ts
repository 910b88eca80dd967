import type { BatchSystem, Command, Exec } from '../batch/types.ts'
import type { Context } from './types.ts'

/** The fixed leading words of a command builder's output (where two different id lists agree). */
const prefixOf = (build: (ids: readonly string[]) => Command): readonly string[] => {
  const a = build(['1']).argv
  const b = build(['2', '3']).argv
  let n = 0
  while (n < a.length && n < b.length && a[n] === b[n]) n++
  return a.slice(0, n)
}

/**
 * Recognises a batch system's read-only queries — its status command, its fallbacks, and `cat` (the job's
 * exit-code file) — by their fixed leading words, so that they are retried across a reconnect while a submit
 * (never safe to run twice) is not.
 *
 * @example
 * ```ts
 * const q = isQuery(slurm)
 * q(slurm.status(['41'])) // true
 * q(slurm.submit('/w/a.sh', job)) // false
 * ```
 */
export const isQuery = (system: BatchSystem): ((command: Command) => boolean) => {
  const prefixes = [['cat'], prefixOf(system.status), ...system.fallbacks.map((f) => prefixOf(f.command))].filter((p) => p.length > 0)
  return (command) => prefixes.some((p) => p.every((w, i) => command.argv[i] === w))
}

/**
 * The batch systems' {@link Exec} over a context: `sbatch`, `squeue`, `qsub`, … run wherever the context
 * reaches (here, or on a login node over SSH), the system's queries marked idempotent (retried after a dropped
 * connection), everything else not (a dropped submit rejects with `connection-lost`: the caller looks for the
 * job by name before submitting again).
 *
 * @example
 * ```ts
 * const exec = contextExec(sshContext(config), slurm)
 * const s = await submitJob(slurm, exec, { name: 'a', command: 'true', workDir: ctx.layout.step('run-1', 'a') })
 * ```
 */
export const contextExec = (ctx: Context, system?: BatchSystem): Exec => {
  const query = system ? isQuery(system) : () => false
  return (command) => ctx.exec(command, { idempotent: query(command) })
}
