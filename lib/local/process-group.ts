import { execa } from 'execa'
import type { WriteStream } from 'node:fs'

/** Process groups alive right now, across every run in this process: killed if the driver exits. */
const alive = new Set<number>()
let exitHookInstalled = false

const killGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal)
  } catch {
    /* already gone */
  }
}

const installExitHook = (): void => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const pgid of alive) killGroup(pgid, 'SIGKILL')
  })
}

/** How a process ended. */
export interface ProcessExit {
  readonly exitCode: number | undefined
  readonly signal: string | undefined
  /** The last bytes of stderr (for failure messages). */
  readonly stderrTail: string
  /** Stdout, up to `maxStdout` bytes (the last ones kept). */
  readonly stdout: string
  /** Set when it was stopped through the abort signal. */
  readonly aborted: boolean
  /** Set when it could not be started at all (command not found, …). */
  readonly spawnError?: string
}

/** What to run. */
export interface ProcessSpec {
  readonly file: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  /** Receives stdout and stderr as they come. */
  readonly log: WriteStream
  readonly signal: AbortSignal
  /** Seconds between SIGTERM and SIGKILL when stopped. */
  readonly killGraceSeconds: number
  readonly maxStdout?: number
}

const TAIL = 4096

/**
 * Runs a command in a process group of its own, so that stopping it stops everything it started (a
 * script's background jobs and children included): SIGTERM to the group on abort, SIGKILL after a grace
 * period, and SIGKILL to every live group if the driver itself exits.
 *
 * @example
 * ```ts
 * const exit = await runProcess({ file: 'sh', args: ['script'], cwd, env, log, signal, killGraceSeconds: 2 })
 * exit.exitCode // 0
 * ```
 */
export const runProcess = async (spec: ProcessSpec): Promise<ProcessExit> => {
  installExitHook()
  const maxStdout = spec.maxStdout ?? 256 * 1024
  if (spec.signal.aborted) return { exitCode: undefined, signal: undefined, stderrTail: '', stdout: '', aborted: true }
  const child = execa(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  })
  const pgid = child.pid
  if (pgid !== undefined) {
    alive.add(pgid)
    // When the script itself exits, whatever it left running in its group goes too (as when a pod ends);
    // otherwise a background job holding stdout open would keep the step running.
    child.once('exit', () => killGroup(pgid, 'SIGKILL'))
  }
  let stdout = ''
  let stderrTail = ''
  child.stdout?.on('data', (b: Buffer) => {
    spec.log.write(b)
    stdout += b.toString()
    if (stdout.length > 2 * maxStdout) stdout = stdout.slice(-maxStdout)
  })
  child.stderr?.on('data', (b: Buffer) => {
    spec.log.write(b)
    stderrTail = (stderrTail + b.toString()).slice(-TAIL)
  })
  let aborted = false
  let killTimer: NodeJS.Timeout | undefined
  const onAbort = () => {
    if (pgid === undefined) return
    aborted = true
    killGroup(pgid, 'SIGTERM')
    killTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), spec.killGraceSeconds * 1000)
  }
  spec.signal.addEventListener('abort', onAbort, { once: true })
  const result = await child
  spec.signal.removeEventListener('abort', onAbort)
  if (killTimer) clearTimeout(killTimer)
  if (pgid !== undefined) alive.delete(pgid)
  const failed = result as { failed?: boolean; exitCode?: number; signal?: string; code?: string; originalMessage?: string }
  const spawnError = failed.exitCode === undefined && !failed.signal && !aborted ? (failed.originalMessage ?? failed.code ?? 'could not start') : undefined
  return {
    exitCode: failed.exitCode,
    signal: failed.signal ?? undefined,
    stderrTail,
    stdout: stdout.length > maxStdout ? stdout.slice(-maxStdout) : stdout,
    aborted,
    ...(spawnError ? { spawnError } : {}),
  }
}
