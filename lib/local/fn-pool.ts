import { spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { packageModule } from '../loader/package-files.ts'
import type { FnJob } from '../fn/runtime.ts'
import { groupStopper, killGroup, trackGroup, untrackGroup, type ProcessExit } from './process-group.ts'

/** A call of a function OP for a worker. @example const c: FnCall = { module: 'file:///x/ops.ts', name: 'duplicate', job, env: {}, logPath: '/runs/x/steps/a/log.txt' } */
export interface FnCall {
  readonly module: string
  readonly name: string
  readonly job: FnJob
  readonly env: Readonly<Record<string, string>>
  readonly logPath: string
}

interface Worker {
  readonly child: ChildProcess
  readonly pid: number
  dead: boolean
  /** Whether it may serve another call after this one. */
  reuse: boolean
  /** Whether it has served a call already. */
  used: boolean
  done?: (r: ProcessExit) => void
}

const WORKER = packageModule('lib/local/fn-worker.ts')
// The hooks that let the OP's module load from any folder, as `dflow run` loaded its workflow file.
const LOADER = pathToFileURL(packageModule('lib/loader/register.ts')).href
// Resolved when the first worker starts, not at import: a pod's bundle of a module that imports dflow-ts/local
// loads this file where import.meta.resolve does not exist.
let tsx: string | undefined

const idle: Worker[] = []
let idleLimit = availableParallelism()

const startWorker = (): Worker => {
  const child = spawn(process.execPath, ['--import', (tsx ??= import.meta.resolve('tsx')), '--import', LOADER, WORKER], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  })
  const w: Worker = { child, pid: child.pid ?? -1, dead: false, reuse: true, used: false }
  if (w.pid > 0) trackGroup(w.pid)
  child.on('message', (m: { exitCode?: number }) => {
    if (m.exitCode === undefined || !w.done) return
    const done = w.done
    delete w.done
    if (w.reuse) release(w)
    else killGroup(w.pid, 'SIGKILL')
    done({ exitCode: m.exitCode, signal: undefined, aborted: false })
  })
  child.on('exit', (code, signal) => {
    w.dead = true
    untrackGroup(w.pid)
    killGroup(w.pid, 'SIGKILL')
    const i = idle.indexOf(w)
    if (i >= 0) idle.splice(i, 1)
    const done = w.done
    delete w.done
    done?.({ exitCode: code ?? undefined, signal: signal ?? undefined, aborted: false })
  })
  child.on('error', (e) => {
    // Could not start (or signal) the worker: the call it was given ends as not started.
    const done = w.done
    delete w.done
    done?.({ exitCode: undefined, signal: undefined, aborted: false, spawnError: e.message })
  })
  return w
}

const release = (w: Worker) => {
  if (w.dead) return
  if (idle.length >= idleLimit) return void killGroup(w.pid, 'SIGKILL')
  w.child.unref()
  ;(w.child.channel as unknown as { unref?: () => void } | undefined)?.unref?.()
  idle.push(w)
}

/**
 * Starts workers ahead of need (each is a Node process with tsx loaded, waiting for calls), so that the
 * first calls do not pay Node's start-up. At most `n` are kept idle.
 *
 * @example
 * ```ts
 * prewarm(2)
 * ```
 */
export const prewarm = (n: number): void => {
  idleLimit = Math.max(idleLimit, n)
  while (idle.length < n) release(startWorker())
}

/**
 * Runs one function-OP call in a worker process of its own process group (a warm one when available): one
 * call at a time per worker (with `reuse` false, the worker ends after this call: a fresh process per call), in the call's work folder, with its environment, its output going to its log.
 * Stopping it (the signal: a timeout or a stop) kills the worker's whole process tree, SIGTERM then
 * SIGKILL after `graceSeconds`; a killed worker is replaced, never reused.
 *
 * @example
 * ```ts
 * const exit = await runInWorker({ module, name: 'duplicate', job, env, logPath }, signal, 2)
 * exit.exitCode // 0
 * ```
 */
export const runInWorker = (call: FnCall, signal: AbortSignal, graceSeconds: number, reuse = true): Promise<ProcessExit> => {
  if (signal.aborted) return Promise.resolve({ exitCode: undefined, signal: undefined, aborted: true })
  // A fresh process is wanted: only a worker that never served a call will do.
  let at = idle.length - 1
  while (at >= 0 && (idle[at]!.dead || (!reuse && idle[at]!.used))) at--
  const worker = at >= 0 ? idle.splice(at, 1)[0]! : startWorker()
  worker.reuse = reuse
  worker.used = true
  // Fresh processes per call: start the next one while this one works.
  if (!reuse && !idle.some((x) => !x.used && !x.dead)) release(startWorker())
  worker.child.ref()
  ;(worker.child.channel as unknown as { ref?: () => void } | undefined)?.ref?.()
  return new Promise<ProcessExit>((resolve) => {
    // The worker's group is tracked for the worker's whole life (startWorker), not per call.
    const stopper = groupStopper(signal, graceSeconds)
    stopper.started(worker.pid)
    worker.done = (r) => {
      stopper.dispose()
      resolve({ ...r, aborted: stopper.aborted })
    }
    worker.child.send(call, (e) => {
      if (e && worker.done) worker.done({ exitCode: undefined, signal: undefined, aborted: false, spawnError: e.message })
    })
  })
}
