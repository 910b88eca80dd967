import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import type { ReadinessProbe } from '../engine/daemon.ts'
import { execReady } from './probe-exec.ts'

/** One try of an httpGet probe: whether `http(s)://127.0.0.1:PORT/PATH` answers with a status 200–399 within the timeout (an HTTPS certificate unchecked, as a kubelet's). */
const httpReady = (p: NonNullable<ReadinessProbe['httpGet']>, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const options = { host: '127.0.0.1', port: p.port, path: p.path.startsWith('/') ? p.path : `/${p.path}`, timeout: timeoutMs, headers: Object.fromEntries(p.headers ?? []) }
    const onResponse = (res: import('node:http').IncomingMessage) => {
      res.resume()
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400)
    }
    const req = p.scheme === 'HTTPS' ? httpsRequest({ ...options, rejectUnauthorized: false }, onResponse) : httpRequest(options, onResponse)
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })

/** One try of a tcpSocket probe: whether a connection to 127.0.0.1:PORT opens within the timeout. */
const tcpReady = (port: number, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: timeoutMs })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once('connect', () => done(true))
    s.once('timeout', () => done(false))
    s.once('error', () => done(false))
  })

/** One try of the probe's action. */
const tryOnce = (p: ReadinessProbe, group: number | undefined): Promise<boolean> => {
  const timeoutMs = p.timeoutSeconds * 1000
  if (p.httpGet) return httpReady(p.httpGet, timeoutMs)
  if (p.tcpSocket) return tcpReady(p.tcpSocket.port, timeoutMs)
  return execReady(p.exec!.command, group, timeoutMs)
}

/**
 * Runs a daemon's readiness probe as a kubelet does: the first try after `initialDelaySeconds`, then one every
 * `periodSeconds` (from the start of the one before; a try that overruns its `timeoutSeconds` fails), until
 * `successThreshold` tries in a row succeed (then `onReady` is told, once) or `stop` is called. A readiness
 * probe that keeps failing never kills the container: the daemon just never becomes ready (`failureThreshold`
 * would make a ready one unready again, which a daemon, once daemoned, never is). An exec probe runs in the
 * namespace of the process group `group()` names, the daemon's (undefined until it started: the try fails).
 *
 * @example
 * ```ts
 * const stop = probeReadiness({ httpGet: { port: 8086, path: '/ping' }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }, () => on({ type: 'ready' }))
 * stop() // when the call ends
 * ```
 */
export const probeReadiness = (p: ReadinessProbe, onReady: () => void, group: () => number | undefined = () => undefined): (() => void) => {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let successes = 0
  const once = async () => {
    if (stopped) return
    const started = Date.now()
    const ok = await tryOnce(p, group())
    if (stopped) return
    successes = ok ? successes + 1 : 0
    if (successes >= p.successThreshold) return onReady()
    timer = setTimeout(once, Math.max(0, p.periodSeconds * 1000 - (Date.now() - started)))
  }
  timer = setTimeout(once, p.initialDelaySeconds * 1000)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
