import { workerServing } from './hash-worker.ts'

/**
 * The worker's code (plain CommonJS, as hash-worker.ts's): for each request it opens the file the writer is
 * writing, reads it from where it got to with 1 MiB reads into one reused buffer, and, when it reaches the
 * end of what is written so far, sleeps on the shared state until the writer says it wrote more, finished
 * (1: read to the end, answer the digest) or gave up (2: answer nothing). The writer's bytes are read back
 * from the page cache, never copied between threads.
 */
const CODE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { closeSync, openSync, readSync } = require('node:fs')
const buf = Buffer.allocUnsafe(1024 * 1024)
parentPort.on('message', ({ id, path, state }) => {
  const st = new Int32Array(state)
  let fd
  try {
    while (fd === undefined) {
      try {
        fd = openSync(path, 'r')
      } catch (e) {
        if (e.code !== 'ENOENT' || Atomics.load(st, 1) !== 0) throw e
        Atomics.wait(st, 0, Atomics.load(st, 0), 10)
      }
    }
    const h = createHash('sha256')
    let pos = 0
    for (;;) {
      const seen = Atomics.load(st, 0)
      const ended = Atomics.load(st, 1)
      if (ended === 2) return parentPort.postMessage({ id, error: { message: 'cancelled' } })
      const n = readSync(fd, buf, 0, buf.length, pos)
      if (n > 0) {
        h.update(buf.subarray(0, n))
        pos += n
      } else if (ended === 1) break
      else Atomics.wait(st, 0, seen, 10)
    }
    parentPort.postMessage({ id, hex: h.digest('hex') })
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code } })
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
})
`

const ask = workerServing(CODE)

/** A file's sha256 being computed behind its writer: see {@link hashBehind}. */
export interface HashBehind {
  /** Says the writer wrote more (wakes the worker if it waits at the end of what was written); the chunk is for hashers that take it. */
  readonly wrote: (chunk: Buffer) => void
  /** Says the file is complete and closed; resolves to the sha256 in hex of all its bytes. */
  readonly done: () => Promise<string>
  /** Says the writer gave up: the worker stops, and nothing is answered. */
  readonly cancel: () => void
}

/**
 * Hashes a file while it is being written, in a worker thread that reads it back behind the writer — a large
 * download is hashed on the other core, as it lands, instead of on the event loop between the socket's
 * chunks. What is hashed is what the file holds once written (a read sees only bytes a write has put in the
 * page cache, below the file's size). Requests are served in turn by one shared worker, which does not keep
 * the process alive when idle: a second file is read once the first is done, from its start.
 *
 * @example
 * ```ts
 * const h = hashBehind('/tmp/big.bin')
 * body.on('data', h.wrote)
 * await pipeline(body, createWriteStream('/tmp/big.bin'))
 * await h.done() // '5891b5b5…'
 * ```
 */
export const hashBehind = (path: string): HashBehind => {
  const state = new SharedArrayBuffer(8)
  const st = new Int32Array(state)
  const answer = ask({ path, state })
  answer.catch(() => {}) // a cancelled request's answer is nobody's
  const say = (ended: 0 | 1 | 2) => {
    if (ended) Atomics.store(st, 1, ended)
    Atomics.add(st, 0, 1)
    Atomics.notify(st, 0)
  }
  return {
    wrote: () => say(0),
    done: () => (say(1), answer),
    cancel: () => say(2),
  }
}
