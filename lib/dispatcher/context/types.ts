/**
 * Where batch jobs run and their files live: this machine (a shared filesystem) or a login node over SSH. A
 * context runs commands and moves files; the batch systems' {@link Exec} is one of its methods
 * (`contextExec(ctx, slurm)`), so `sbatch`, `squeue` and `qsub` run wherever the context reaches.
 *
 * @example
 * ```ts
 * const ctx: Context = sshContext({ host: 'login.hpc', user: 'me', root: '/scratch/me/dflow' })
 * await ctx.put('inputs', ctx.layout.step('run-1', 'relax-0') + '/inputs', { via: 'tar' })
 * const r = await ctx.exec({ argv: ['sbatch', '--parsable', 'job.sh'], cwd: ctx.layout.step('run-1', 'relax-0') })
 * ```
 */
import type { Readable, Writable } from 'node:stream'
import type { Command, CommandResult } from '../batch/types.ts'
import type { Layout } from './layout.ts'

/** How a command may be retried. @example { idempotent: true } // a status query */
export interface ExecOptions {
  /**
   * Safe to run twice (a status query, a `cat`): if the connection drops while it runs, it is run again after
   * the reconnect instead of failing with `connection-lost`. A command that never started is always retried.
   */
  readonly idempotent?: boolean
}

/** Streams for a command: stdin is read to its end and closed; stdout and stderr are written as they come. @example { stdin: createReadStream('in.tar'), stdout: process.stdout } */
export interface StreamIo {
  readonly stdin?: Readable
  readonly stdout?: Writable
  readonly stderr?: Writable
}

/** How a streamed command ended: its exit code, or the signal that killed it (exit code 128 + its number where known, else 255). @example { exitCode: 0 } */
export interface StreamResult {
  readonly exitCode: number
  readonly signal?: string
}

/** How a folder moves: one SFTP request per file, or one tar stream over one channel (many small files). @example { via: 'tar' } */
export interface TransferOptions {
  readonly via?: 'sftp' | 'tar'
}

/**
 * A place to run commands and keep files. Paths on its side are absolute POSIX paths (usually under
 * `layout`); local paths are this machine's. `put` and `get` copy a file or a folder (recursively, modes kept;
 * an existing folder is merged into, existing files overwritten; missing parents are made).
 *
 * @example
 * ```ts
 * await ctx.mkdirp('/scratch/me/dflow/run-1')
 * const { exitCode, stdout } = await ctx.exec({ argv: ['squeue', '-h', '-j', '41,42'] }, { idempotent: true })
 * const text = (await ctx.readFile('/scratch/me/dflow/run-1/a/a.exit'))?.toString() // undefined when missing
 * await ctx.close()
 * ```
 */
export interface Context {
  /** `local`, or `ssh://user@host:port` (used in errors). */
  readonly name: string
  /** The absolute folder under which runs are laid out. */
  readonly root: string
  readonly layout: Layout
  /** Runs a command (argv, never a shell string of ours; `cwd`, `input` as stdin). Never rejects for a non-zero exit; rejects with a {@link ContextError} when the context itself fails. */
  readonly exec: (command: Command, options?: ExecOptions) => Promise<CommandResult>
  /** Runs a command with streams (for large input or output, e.g. a tar stream); only a command that never started is retried (a stream cannot be replayed). */
  readonly spawn: (command: Command, io: StreamIo) => Promise<StreamResult>
  readonly put: (localPath: string, remotePath: string, options?: TransferOptions) => Promise<void>
  readonly get: (remotePath: string, localPath: string, options?: TransferOptions) => Promise<void>
  readonly mkdirp: (remotePath: string) => Promise<void>
  /** A file's bytes, or undefined when it does not exist. */
  readonly readFile: (remotePath: string) => Promise<Buffer | undefined>
  /** Ends the context's connections; later calls reject. */
  readonly close: () => Promise<void>
}
