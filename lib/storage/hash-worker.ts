import { Worker } from 'node:worker_threads'

/**
 * The worker's code (plain CommonJS, so that it runs the same from the sources under tsx and from a build):
 * it hashes the file a request names with synchronous 1 MiB reads into one reused buffer, and answers with
 * the hex digest or the error's message and code.
 */
const CODE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { closeSync, openSync, readSync } = require('node:fs')
const buf = Buffer.allocUnsafe(1024 * 1024)
parentPort.on('message', ({ id, path }) => {
  let fd
  try {
    fd = openSync(path, 'r')
    const h = createHash('sha256')
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      h.update(buf.subarray(0, n))
    }
    parentPort.postMessage({ id, hex: h.digest('hex') })
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code } })
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
})
`

interface Answer {
  readonly id: number
  readonly hex?: string
  readonly error?: { readonly message: string; readonly code?: string }
}

/**
 * A worker thread running `code`, started at the first request and shared by every later one: each request
 * is posted with an `id`, and answered by the worker with `{ id, hex }` or `{ id, error: { message, code } }`
 * (the error rejects, with its `code`). The worker does not keep the process alive while nothing is pending,
 * and one that dies rejects what is pending and is started again at the next request.
 *
 * @example
 * ```ts
 * const ask = workerServing(CODE)
 * await ask({ path: 'big.bin' }) // '5891b5b5…'
 * ```
 */
export const workerServing = (code: string): ((request: Readonly<Record<string, unknown>>) => Promise<string>) => {
  let worker: Worker | undefined
  let next = 0
  const pending = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>()
  const started = (): Worker => {
    if (worker) return worker
    const w = new Worker(code, { eval: true })
    w.on('message', (a: Answer) => {
      const p = pending.get(a.id)
      pending.delete(a.id)
      if (pending.size === 0) w.unref()
      if (a.hex !== undefined) p?.resolve(a.hex)
      else p?.reject(Object.assign(new Error(a.error?.message ?? 'hashing failed'), a.error?.code ? { code: a.error.code } : {}))
    })
    const fail = (e: Error) => {
      if (worker === w) worker = undefined
      for (const p of pending.values()) p.reject(e)
      pending.clear()
    }
    w.on('error', fail)
    w.on('exit', (c) => fail(new Error(`the hashing worker exited (code ${c})`)))
    w.unref()
    return (worker = w)
  }
  return (request) =>
    new Promise((resolve, reject) => {
      const w = started()
      const id = next++
      pending.set(id, { resolve, reject })
      w.ref()
      w.postMessage({ ...request, id })
    })
}

const ask = workerServing(CODE)

/**
 * The sha256 of a file's bytes in hex, computed in a worker thread that reads the file itself: the bytes
 * never cross into this thread, the event loop stays free, and one 1 MiB buffer is reused (no garbage per
 * chunk). Requests are answered in turn by one shared worker, which does not keep the process alive when
 * idle. A missing or unreadable file rejects with the file system's error (its `code`, e.g. `ENOENT`).
 *
 * @example await sha256InWorker('big.bin') // '5891b5b5…'
 */
export const sha256InWorker = (path: string): Promise<string> => ask({ path })
