import type { Daemon, ReadinessProbe } from '../../engine/daemon.ts'
import { fail } from './fail.ts'
import { hasTags } from './tags.ts'

type Obj = Record<string, unknown>

/**
 * A whole number ≥ 0 of a probe (seconds or tries); 0 or absent is Kubernetes' default, as its API server
 * defaults a Probe (SetDefaults_Probe: timeout 1, period 10, success threshold 1, failure threshold 3).
 */
const countOf = (v: unknown, dflt: number, path: readonly string[]): number => {
  if (v === undefined) return dflt
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(path, `expected a whole number ≥ 0, got ${JSON.stringify(v)}`)
  return (v as number) === 0 && dflt !== 0 ? dflt : (v as number)
}

/** A probe's numeric port on 127.0.0.1 (a named port, or another host, has no local meaning). */
const portOf = (a: Obj, at: readonly string[]): number => {
  if (typeof a.port !== 'number' || !Number.isInteger(a.port) || a.port < 1 || a.port > 65535) fail([...at, 'port'], `a named port (${JSON.stringify(a.port)}) is not known locally`, 'give the port number')
  if (a.host !== undefined && a.host !== '127.0.0.1' && a.host !== 'localhost') fail([...at, 'host'], 'the probe asks the daemon on 127.0.0.1 locally (steps share this host\'s network)', 'remove the host')
  return a.port as number
}

/** A text of a probe, which the local run uses as it is: a `{{…}}` tag in it is refused. */
const plain = (v: unknown, at: readonly string[]): string => {
  if (typeof v !== 'string') fail(at, `expected a string, got ${JSON.stringify(v)}`)
  if (hasTags(v as string)) fail(at, `${JSON.stringify(v)}: tags in a readiness probe are not substituted locally`, 'write the value itself')
  return v as string
}

/** The one action of a probe (Kubernetes' ProbeHandler): exactly one of httpGet, tcpSocket, exec; grpc is refused. */
const actionOf = (p: Obj, at: readonly string[]): Pick<ReadinessProbe, 'httpGet' | 'tcpSocket' | 'exec'> => {
  const kinds = ['httpGet', 'tcpSocket', 'exec', 'grpc'].filter((k) => p[k] !== undefined)
  if (kinds.length !== 1) fail(at, kinds.length ? `a probe has one handler, this one ${kinds.join(' and ')}` : 'the probe has no handler', 'give one of httpGet, tcpSocket, exec')
  const a = p[kinds[0]!] as Obj
  const where = [...at, kinds[0]!]
  switch (kinds[0]) {
    case 'httpGet': {
      const scheme = a.scheme === undefined ? 'HTTP' : a.scheme
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') fail([...where, 'scheme'], `expected HTTP or HTTPS, got ${JSON.stringify(a.scheme)}`)
      const headers = ((a.httpHeaders ?? []) as Obj[]).map((h, i) => [plain(h?.name, [...where, 'httpHeaders', String(i), 'name']), plain(h?.value, [...where, 'httpHeaders', String(i), 'value'])] as const)
      const path = a.path === undefined ? '/' : plain(a.path, [...where, 'path'])
      return { httpGet: { port: portOf(a, where), path, ...(scheme === 'HTTPS' ? { scheme } : {}), ...(headers.length ? { headers } : {}) } }
    }
    case 'tcpSocket':
      return { tcpSocket: { port: portOf(a, where) } }
    case 'exec': {
      const command = a.command
      if (!Array.isArray(command) || !command.length) fail([...where, 'command'], 'an exec probe needs a command (a list of words, run without a shell)')
      return { exec: { command: (command as unknown[]).map((c, i) => plain(c, [...where, 'command', String(i)])) } }
    }
    default:
      return fail(where, 'a grpc readiness probe is not supported locally', 'probe the daemon with httpGet, tcpSocket or exec')
  }
}

/**
 * A template's `daemon: true` and its main container's `readinessProbe`, as the engine runs them (see
 * lib/engine/daemon.ts); undefined when the template is no daemon. The probe's action — httpGet (HTTP or
 * HTTPS, its headers), tcpSocket (both on 127.0.0.1, a numeric port) or exec (its command run in the daemon's
 * mount namespace) — and its timings, every one of them for every kind, as Kubernetes reads them (scaled by
 * `timeScale`). A grpc probe, a named port, `terminationGracePeriodSeconds` (Kubernetes refuses it on a
 * readiness probe), tags in the probe and a retried daemon are refused.
 *
 * @example
 * ```ts
 * daemonSpec({ daemon: true, container: { readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, successThreshold: 2 } } }, ['spec', 'templates', '1'], 1)
 * // { readiness: { exec: { command: ['cat', '/tmp/ready'] }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 2, failureThreshold: 3 } }
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
  if (p.terminationGracePeriodSeconds !== undefined) fail([...at, 'terminationGracePeriodSeconds'], 'must not be set for a readiness probe (Kubernetes refuses it)', 'remove it')
  const seconds = (f: string, d: number) => countOf(p[f], d, [...at, f]) * timeScale
  const readiness: ReadinessProbe = {
    ...actionOf(p, at),
    initialDelaySeconds: seconds('initialDelaySeconds', 0),
    periodSeconds: seconds('periodSeconds', 10),
    timeoutSeconds: seconds('timeoutSeconds', 1),
    successThreshold: countOf(p.successThreshold, 1, [...at, 'successThreshold']),
    failureThreshold: countOf(p.failureThreshold, 3, [...at, 'failureThreshold']),
  }
  return { readiness }
}
