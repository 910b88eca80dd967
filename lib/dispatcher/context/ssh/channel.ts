import { constants } from 'node:os'
import { ContextError } from '../errors.ts'
import type { StreamIo, StreamResult } from '../types.ts'
import type { Live } from './connection.ts'

/**
 * Runs one command line on an exec channel of a live connection, streaming stdin, stdout and stderr. Rejects
 * with `not-started` when the channel cannot open (nothing ran: safe to retry) and with `connection-lost`
 * when the connection drops before the command's exit status arrives (it may have run).
 *
 * @example
 * ```ts
 * const { exitCode } = await onChannel(name, live, 'export LC_ALL=C; true', { stdout: process.stdout }, '')
 * ```
 */
export const onChannel = (name: string, live: Live, line: string, io: StreamIo, input: string, what: string): Promise<StreamResult> =>
  new Promise((resolve, reject) => {
    if (live.closed) return reject(new ContextError('not-started', name, `the connection dropped before ${what} started`, 'it is retried'))
    let done = false
    const finish = (r: StreamResult | ContextError) => {
      if (done) return
      done = true
      live.onLost.delete(lost)
      if (r instanceof ContextError) reject(r)
      else resolve(r)
    }
    const lost = () => finish(new ContextError('connection-lost', name, `the connection dropped while ${what} ran (it may or may not have run)`, 'run it again if that is safe'))
    live.onLost.add(lost)
    const opened = (err: Error | undefined, stream: import('ssh2').ClientChannel) => {
      if (done) return stream?.close() // the connection dropped while the channel opened
      if (err) return finish(new ContextError('not-started', name, `cannot open a channel for ${what}: ${err.message}`, 'check the server\'s MaxSessions (the maxSessions option must not exceed it)', { cause: err }))
      let exit: StreamResult | undefined
      stream.on('exit', (code: number | null, signal?: string) => {
        // ssh2 names the signal as node does (`SIGTERM`)
        const num = signal ? constants.signals[signal as NodeJS.Signals] : undefined
        exit = code !== null && code !== undefined ? { exitCode: code } : { exitCode: num !== undefined ? 128 + num : 255, ...(signal ? { signal } : {}) }
      })
      stream.on('close', () => (exit ? finish(exit) : lost()))
      stream.on('error', () => undefined)
      if (io.stdout) stream.pipe(io.stdout, { end: false })
      else stream.resume()
      if (io.stderr) stream.stderr.pipe(io.stderr, { end: false })
      else stream.stderr.resume()
      if (io.stdin) {
        io.stdin.on('error', (e) => (stream.close(), finish(new ContextError('transfer', name, `the input of ${what} failed: ${e.message}`, 'check the local files', { cause: e }))))
        io.stdin.pipe(stream)
      } else stream.end(input)
    }
    try {
      live.client.exec(line, opened)
    } catch (e) {
      finish(new ContextError('not-started', name, `cannot open a channel for ${what}: ${(e as Error).message}`, 'it is retried', { cause: e }))
    }
  })
