import { execa } from 'execa'
import { packageFile } from '../loader/package-files.ts'
import { groupStopper, killGroup, runProcess, trackGroup, untrackGroup, type ProcessExit, type ProcessSpec, type Spawner } from './process-group.ts'

/** The launcher's Python source (its header states the protocol). @example ['python3', LAUNCHER_SCRIPT] */
export const LAUNCHER_SCRIPT = packageFile('lib/local/launcher.py')

/** A line from the launcher (launcher.py states the protocol). */
interface Reply {
  readonly ready?: true
  readonly unsupported?: string
  readonly id?: number
  readonly pid?: number
  readonly error?: string
  readonly exit?: number
  readonly signal?: string
  /** The job's captured stdout, base64. */
  readonly stdout?: string
}

/** A process asked of the launcher, until it ends. */
interface Job {
  readonly spec: ProcessSpec
  pid?: number
  readonly started: (pid: number) => void
  readonly ended: (exit: Omit<ProcessExit, 'aborted'>) => void
  /** The launcher could not start at all: the job runs directly instead. */
  readonly fallback: () => void
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** A string with each lone surrogate (which no system string can hold) replaced by U+FFFD, as Node does when it starts a process. */
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd')

/** A running launcher process. */
interface Connection {
  readonly submit: (job: Job) => void
}

/**
 * Starts a launcher process with execa. It holds this process open only while it has processes running;
 * when this process exits, its end of the pipe closes and the launcher kills what is left and exits.
 * `onEnd` is told whether it ever got ready (if not, python3 is missing or too old: its jobs fall back).
 */
const connect = (command: readonly [string, ...string[]], onEnd: (self: Connection, ready: boolean) => void): Connection => {
  const [file, ...rest] = command
  const child = execa(file, rest, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', detached: true, cleanup: false, reject: false, buffer: false })
  const jobs = new Map<number, Job>()
  let nextId = 0
  let ready = false
  let errors = ''
  let partial = ''
  const handles = [child, child.stdin, child.stdout, child.stderr] as { ref?: () => void; unref?: () => void }[]
  const hold = (on: boolean) => handles.forEach((h) => (on ? h.ref?.() : h.unref?.()))
  hold(false)
  child.stdin.on('error', () => {}) // the launcher ended: handled when its process is seen to end
  child.stderr.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-2000)))
  const onReply = (r: Reply) => {
    if (r.ready) ready = true
    const job = r.id === undefined ? undefined : jobs.get(r.id)
    if (!job) return
    if (r.pid !== undefined) return job.started(r.pid)
    jobs.delete(r.id!)
    if (!jobs.size) hold(false)
    job.ended(r.error !== undefined ? { exitCode: undefined, signal: undefined, spawnError: r.error } : { exitCode: r.exit, signal: r.signal, ...(r.stdout !== undefined ? { stdout: Buffer.from(r.stdout, 'base64') } : {}) })
  }
  // The launcher writes ASCII JSON (Python's default), so a chunk never splits a character.
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString()
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl)
      partial = partial.slice(nl + 1)
      let reply: Reply
      try {
        reply = JSON.parse(line) as Reply
      } catch {
        errors = `${errors}\nnot a launcher reply: ${line.slice(0, 200)}`.slice(-2000)
        continue
      }
      onReply(reply)
    }
  })
  const self: Connection = {
    submit: (job) => {
      const id = nextId++
      jobs.set(id, job)
      if (jobs.size === 1) hold(true)
      const { file, args, cwd, env, logPath, captureStdout } = job.spec
      const message = { id, file, args: [file, ...args].map(wellFormed), cwd, env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, wellFormed(v)])), log: logPath, capture: !!captureStdout }
      child.stdin.write(`${JSON.stringify(message)}\n`)
    },
  }
  void child.then((result) => {
    onEnd(self, ready)
    const left = [...jobs.values()]
    jobs.clear()
    if (!ready) return left.forEach((job) => job.fallback())
    const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`
    const why = `the process launcher stopped (${errors.trim().split('\n').pop() || how})`
    for (const job of left) {
      if (job.pid !== undefined) killGroup(job.pid, 'SIGKILL')
      job.ended({ exitCode: undefined, signal: undefined, spawnError: why })
    }
  })
  return self
}

/**
 * A launcher: starts processes through a helper process, started when first needed and shared by every run.
 *
 * @example
 * ```ts
 * const l: Launcher = sharedLauncher()
 * l.prewarm()
 * const exit = await l.spawn(spec)
 * ```
 */
export interface Launcher {
  /**
   * Runs a command as `runProcess` does (a process group of its own, stopped through the signal,
   * output to the log), but started by the launcher process with posix_spawn: forking this large Node
   * process costs 2-3 ms per step and holds its event loop meanwhile. If the launcher cannot start (no
   * python3 3.8 or later), commands are started directly.
   */
  readonly spawn: Spawner
  /** Starts the launcher process ahead of need, so that a run's first step does not wait for it. */
  readonly prewarm: () => void
}

/**
 * A launcher running `command` (by default `python3 -I lib/local/launcher.py`, whose header states the
 * protocol; `-I`: the user's PYTHON* variables and site packages play no part).
 *
 * @example
 * ```ts
 * const { spawn } = launcher()
 * const exit = await spawn({ file: 'sh', args: ['script'], cwd, env, logPath, signal, killGraceSeconds: 2 })
 * exit.exitCode // 0
 * ```
 */
export const launcher = (command: readonly [string, ...string[]] = ['python3', '-I', LAUNCHER_SCRIPT]): Launcher => {
  let current: Connection | undefined
  let unavailable = false
  const onEnd = (c: Connection, ready: boolean) => {
    if (current === c) current = undefined
    if (!ready) unavailable = true
  }
  const spawn: Spawner = (spec) => {
    if (unavailable) return runProcess(spec)
    if (spec.signal.aborted) return Promise.resolve({ exitCode: undefined, signal: undefined, aborted: true })
    return new Promise((resolve) => {
      const stopper = groupStopper(spec.signal, spec.killGraceSeconds)
      const job: Job = {
        spec,
        started: (pid) => {
          job.pid = pid
          stopper.started(pid)
          trackGroup(pid)
          spec.onStarted?.(pid)
        },
        ended: ({ spawnError, ...exit }) => {
          stopper.dispose()
          if (job.pid !== undefined) untrackGroup(job.pid)
          resolve({ ...exit, aborted: stopper.aborted, ...(spawnError && !stopper.aborted ? { spawnError } : {}) })
        },
        fallback: () => {
          stopper.dispose()
          resolve(runProcess(spec))
        },
      }
      ;(current ??= connect(command, onEnd)).submit(job)
    })
  }
  return {
    spawn,
    prewarm: () => {
      if (!unavailable) current ??= connect(command, onEnd)
    },
  }
}

/** The launcher every local run in this process shares (unless its configuration says otherwise). @example sharedLauncher.prewarm() */
export const sharedLauncher: Launcher = launcher()
