import { request } from 'node:http'
import type { ReadinessProbe } from '../engine/daemon.ts'

/** One try of an httpGet probe: whether `http://127.0.0.1:PORT/PATH` answers with a status 200–399 within the timeout. */
const httpReady = (p: ReadinessProbe['httpGet'], timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: p.port, path: p.path.startsWith('/') ? p.path : `/${p.path}`, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })

/**
 * Runs a daemon's readiness probe as Kubernetes does: first after `initialDelaySeconds`, then every
 * `periodSeconds`, until one succeeds (then `onReady` is told, once) or `stop` is called. A readiness probe
 * that keeps failing never kills the container: the daemon just never becomes ready.
 *
 * @example
 * ```ts
 * const stop = probeReadiness({ httpGet: { port: 8086, path: '/ping' }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1 }, () => on({ type: 'ready' }))
 * stop() // when the call ends
 * ```
 */
export const probeReadiness = (p: ReadinessProbe, onReady: () => void): (() => void) => {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const once = async () => {
    if (stopped) return
    const ok = await httpReady(p.httpGet, p.timeoutSeconds * 1000)
    if (stopped) return
    if (ok) return onReady()
    timer = setTimeout(once, p.periodSeconds * 1000)
  }
  timer = setTimeout(once, p.initialDelaySeconds * 1000)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
