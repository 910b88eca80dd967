import type { Daemon, ReadinessProbe } from '../../engine/daemon.ts'
import { fail } from './fail.ts'

type Obj = Record<string, unknown>

const secondsOf = (v: unknown, dflt: number, path: readonly string[]): number => {
  if (v === undefined) return dflt
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(path, `expected a whole number of seconds, got ${JSON.stringify(v)}`)
  return v as number
}

/**
 * A template's `daemon: true` and its main container's `readinessProbe`, as the engine runs them (see
 * lib/engine/daemon.ts); undefined when the template is no daemon. An httpGet probe with a numeric port is
 * run against 127.0.0.1; an exec or tcpSocket probe, a named port, or a retried daemon is refused.
 *
 * @example
 * ```ts
 * daemonSpec({ daemon: true, container: { readinessProbe: { httpGet: { port: 80, path: '/' } } } }, ['spec', 'templates', '1'], 1)
 * // { readiness: { httpGet: { port: 80, path: '/' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1 } }
 * ```
 */
export const daemonSpec = (tpl: Obj, path: readonly string[], timeScale: number): Daemon | undefined => {
  if (tpl.daemon === undefined || tpl.daemon === false) return undefined
  if (tpl.daemon !== true) fail([...path, 'daemon'], `expected true or false, got ${JSON.stringify(tpl.daemon)}`)
  const kind = tpl.container !== undefined ? 'container' : tpl.script !== undefined ? 'script' : fail([...path, 'daemon'], 'daemon: true is supported locally on container and script templates')
  if (tpl.retryStrategy !== undefined) fail([...path, 'retryStrategy'], 'a retried daemon is not supported locally', 'remove the retryStrategy or the daemon')
  const p = ((tpl[kind] as Obj | undefined)?.readinessProbe ?? undefined) as Obj | undefined
  if (p === undefined) return {}
  const at = [...path, kind, 'readinessProbe']
  const g = p.httpGet as Obj | undefined
  if (g === undefined) fail(at, 'only an httpGet readiness probe is supported locally', 'probe the daemon over HTTP (httpGet: {port, path})')
  if (typeof g!.port !== 'number') fail([...at, 'httpGet', 'port'], `a named port (${JSON.stringify(g!.port)}) is not known locally`, 'give the port number')
  if (g!.host !== undefined && g!.host !== '127.0.0.1' && g!.host !== 'localhost') fail([...at, 'httpGet', 'host'], 'the probe asks the daemon on 127.0.0.1 locally')
  const s = (f: string, d: number) => secondsOf(p[f], d, [...at, f]) * timeScale
  const readiness: ReadinessProbe = {
    httpGet: { port: g!.port as number, path: typeof g!.path === 'string' ? g!.path : '/' },
    initialDelaySeconds: s('initialDelaySeconds', 0),
    periodSeconds: s('periodSeconds', 10),
    timeoutSeconds: s('timeoutSeconds', 1),
  }
  return { readiness }
}
