/**
 * The entry of a function-OP worker process (started by `fn-pool.ts` with tsx): it waits for calls on its
 * IPC channel and runs each one in turn — in the call's work folder, with the call's environment, output
 * to the call's log — then reports the exit code. Not imported by anything.
 *
 * @example
 * ```ts
 * // parent: child.send({ module: 'file:///x/ops.ts', name: 'duplicate', job, env, logPath })
 * // worker: → { exitCode: 0 }
 * ```
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { SLICING_INPUT } from 'dflow-ts'
import { findFn } from '../fn/find.ts'
import { runFn, type FnJob } from '../fn/runtime.ts'

/** The watchdog thread's code: every 0.5 s, whether this process still has the parent it started with. */
const WATCHDOG = `
const { workerData: parent } = require('node:worker_threads')
setInterval(() => {
  if (process.ppid === parent) return
  try { process.kill(-process.pid, 'SIGKILL') } catch {}
  process.kill(process.pid, 'SIGKILL')
}, 500)
`

/** A call sent by the driver. */
interface Call {
  readonly module: string
  readonly name: string
  readonly job: FnJob
  readonly env: Readonly<Record<string, string>>
  readonly logPath: string
}

/** The log of the call running now, for an error thrown outside its awaits. */
let current: number | undefined

const run = async (c: Call): Promise<number> => {
  const fd = openSync(c.logPath, 'a')
  current = fd
  const write = (s: string | Uint8Array) => {
    if (typeof s === 'string') writeSync(fd, s)
    else writeSync(fd, s)
    return true
  }
  const saved = { out: process.stdout.write, err: process.stderr.write }
  process.stdout.write = write as typeof process.stdout.write
  process.stderr.write = write as typeof process.stderr.write
  for (const k of Object.keys(process.env)) delete process.env[k]
  Object.assign(process.env, c.env)
  try {
    process.chdir(c.job.workdir)
    const slicing = c.job.params[SLICING_INPUT]
    const t = findFn((await import(c.module)) as Record<string, unknown>, c.name, slicing && 'wire' in slicing ? slicing.wire : undefined)
    if (!t) {
      write(`no function OP named "${c.name}" among the exports of ${c.module} (export it, or a workflow that uses it)\n`)
      return 2
    }
    return await runFn(t, c.job, write, write)
  } catch (e) {
    write(`could not load ${c.module}: ${(e as Error)?.stack ?? String(e)}\n`)
    return 2
  } finally {
    process.stdout.write = saved.out
    process.stderr.write = saved.err
    current = undefined
    closeSync(fd)
  }
}

// An error no await of the call catches (a callback's throw, a promise nobody awaits) ends the worker, as it
// would end a process of its own — but Node prints it to a stderr that goes nowhere: it goes to the log of
// the call running, so the step's message carries it rather than a bare exit code.
process.on('uncaughtException', (e, origin) => {
  const text = `the function OP's process ended on an error no await caught (${origin}): ${(e as Error)?.stack ?? String(e)}\n`
  try {
    if (current !== undefined) writeSync(current, text)
  } finally {
    process.exit(1)
  }
})
process.on('message', (c: Call) => {
  void run(c).then((exitCode) => process.send?.({ exitCode }))
})
// The driver is gone (even killed with SIGKILL): end this worker and whatever its call started.
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL')
  } finally {
    process.exit(1)
  }
})
// A main thread held by a call (a function OP in a synchronous loop) never sees 'disconnect'. A thread of
// its own sees the driver's death as this process's new parent (the driver's pid is gone from ppid) and
// kills the same group. No loader in it (execArgv: []), and unref'd: it never keeps the worker alive.
new Worker(WATCHDOG, { eval: true, workerData: process.ppid, execArgv: [] }).unref()
process.send?.({ ready: true })
