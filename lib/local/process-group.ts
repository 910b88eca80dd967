import { execa } from 'execa'
import { closeSync, openSync, writeSync } from 'node:fs'
import { constants } from 'node:os'
import { PRIVATE_FILE } from '../storage/modes.ts'

/** Process groups alive right now, across every run in this process: killed if the driver exits. */
const alive = new Set<number>()
let exitHookInstalled = false

/**
 * Sends a signal to a whole process group, ignoring one that is gone. (The two signals it is sent, rather than
 * Node's `NodeJS.Signals`: the package's types then need no @types/node in a user's project.)
 * @example killGroup(pid, 'SIGTERM')
 */
export const killGroup = (pgid: number, signal: 'SIGTERM' | 'SIGKILL'): void => {
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

/** Registers a process group to be killed if the driver exits. @example trackGroup(child.pid) */
export const trackGroup = (pgid: number): void => {
  installExitHook()
  alive.add(pgid)
}

/** Forgets a process group registered with {@link trackGroup}. @example untrackGroup(child.pid) */
export const untrackGroup = (pgid: number): void => {
  alive.delete(pgid)
}

/**
 * How a process ended.
 *
 * @example
 * ```ts
 * const e: ProcessExit = { exitCode: 0, signal: undefined, aborted: false }
 * ```
 */
export interface ProcessExit {
  readonly exitCode: number | undefined
  readonly signal: string | undefined
  /** Set when it was stopped through the abort signal. */
  readonly aborted: boolean
  /** Set when it could not be started at all (command not found, …). */
  readonly spawnError?: string
  /** What it printed on stdout, when its spec asked for it (`captureStdout`). */
  readonly stdout?: Buffer
}

/**
 * The exit code shells and Kubernetes report for a process: its own, or 128 + the number of the signal
 * that ended it (137 for SIGKILL, 143 for SIGTERM); undefined for a process that never ran.
 *
 * @example
 * ```ts
 * exitCodeOf({ exitCode: undefined, signal: 'SIGKILL' }) // 137
 * exitCodeOf({ exitCode: 3, signal: undefined })         // 3
 * ```
 */
export const exitCodeOf = (exit: Pick<ProcessExit, 'exitCode' | 'signal'>): number | undefined => {
  if (exit.exitCode !== undefined) return exit.exitCode
  const n = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined
  return n === undefined ? undefined : 128 + n
}

/**
 * What to run.
 *
 * @example
 * ```ts
 * const spec: ProcessSpec = { file: 'sh', args: ['-c', 'echo hi'], cwd: '/tmp/step', env: {}, logPath: '/tmp/step/log', signal: new AbortController().signal, killGraceSeconds: 2 }
 * ```
 */
export interface ProcessSpec {
  readonly file: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  /** The file that receives stdout and stderr, interleaved (appended to). */
  readonly logPath: string
  /**
   * When set, stdout is also kept and returned (`ProcessExit.stdout`): it still reaches the log as it comes,
   * in order with stderr, and no file is made for it.
   */
  readonly captureStdout?: boolean
  readonly signal: AbortSignal
  /** Seconds between SIGTERM and SIGKILL when stopped. */
  readonly killGraceSeconds: number
  /** Told the process's id (its group's, and its session's) once it started: a daemon's exec probe enters its namespace. */
  readonly onStarted?: (pid: number) => void
}

/**
 * Starts processes: `runProcess` (directly, with execa) or the launcher (launcher.ts).
 *
 * @example
 * ```ts
 * const spawn: Spawner = runProcess
 * const exit = await spawn(spec)  // { exitCode: 0, signal: undefined, aborted: false }
 * ```
 */
export type Spawner = (spec: ProcessSpec) => Promise<ProcessExit>

/**
 * Stops a process group when a signal aborts: SIGTERM, then SIGKILL after the grace period. The group may
 * be known only later (`started`); an abort before that stops it as soon as it is. (Whether the group is
 * killed if the driver exits is the caller's: {@link trackGroup}.)
 *
 * @example
 * ```ts
 * const stopper = groupStopper(signal, 2)
 * stopper.started(child.pid)
 * // … the process ends …
 * stopper.dispose() // stopper.aborted says whether the signal stopped it
 * ```
 */
export const groupStopper = (signal: AbortSignal, graceSeconds: number) => {
  let pgid: number | undefined
  let aborted = false
  let timer: NodeJS.Timeout | undefined
  const stop = () => {
    if (pgid === undefined) return
    const group = pgid
    killGroup(group, 'SIGTERM')
    timer = setTimeout(() => killGroup(group, 'SIGKILL'), graceSeconds * 1000)
  }
  const onAbort = () => {
    aborted = true
    stop()
  }
  signal.addEventListener('abort', onAbort, { once: true })
  return {
    started: (group: number): void => {
      pgid = group
      if (aborted) stop()
    },
    get aborted(): boolean {
      return aborted
    },
    dispose: (): void => {
      signal.removeEventListener('abort', onAbort)
      if (timer) clearTimeout(timer)
    },
  }
}

/**
 * Runs a command in a process group of its own, so that stopping it stops everything it started (a
 * script's background jobs and children included): SIGTERM to the group on abort, SIGKILL after a grace
 * period, SIGKILL to what is left of the group when the command exits (as when a pod ends), and SIGKILL
 * to every live group if the driver itself exits. Output goes straight to the log file (no pipes through
 * the driver), but for a captured stdout, which this process copies into the log as it comes.
 *
 * @example
 * ```ts
 * const exit = await runProcess({ file: 'sh', args: ['script'], cwd, env, logPath, signal, killGraceSeconds: 2 })
 * exit.exitCode // 0
 * ```
 */
export const runProcess: Spawner = async (spec) => {
  if (spec.signal.aborted) return { exitCode: undefined, signal: undefined, aborted: true }
  // The log exists already (made with the step's folders), so opening it is quick.
  const log = openSync(spec.logPath, 'a', PRIVATE_FILE)
  const stopper = groupStopper(spec.signal, spec.killGraceSeconds)
  try {
    // execa's types accept only literal descriptor numbers; any open descriptor works at run time.
    const child = execa(spec.file, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      extendEnv: false,
      detached: true,
      cleanup: false,
      reject: false,
      stdin: 'ignore',
      stdout: spec.captureStdout ? 'pipe' : (log as 3),
      stderr: log as 3,
      buffer: false,
    })
    const printed: Buffer[] = []
    child.stdout?.on('data', (d: Buffer) => {
      printed.push(d)
      writeSync(log, d)
    })
    const pgid = child.pid
    if (pgid !== undefined) {
      stopper.started(pgid)
      trackGroup(pgid)
      spec.onStarted?.(pgid)
      child.once('exit', () => {
        untrackGroup(pgid)
        killGroup(pgid, 'SIGKILL')
        // What the step printed is in the pipe already; a process that left its group may hold the pipe
        // open for long: the step ends without waiting for it (as the launcher does).
        const out = child.stdout
        if (out) setTimeout(() => out.readableEnded || out.destroy(), 50).unref()
      })
    }
    const result = (await child) as { exitCode?: number; signal?: string; code?: string; originalMessage?: string }
    const spawnError = result.exitCode === undefined && !result.signal && !stopper.aborted ? (result.originalMessage ?? result.code ?? 'could not start') : undefined
    return { exitCode: result.exitCode, signal: result.signal ?? undefined, aborted: stopper.aborted, ...(spawnError ? { spawnError } : {}), ...(spec.captureStdout ? { stdout: Buffer.concat(printed) } : {}) }
  } finally {
    stopper.dispose()
    closeSync(log)
  }
}

export { tailOf } from '../workdir/tail.ts'
