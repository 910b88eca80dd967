/**
 * Daemon steps (Argo's `daemon: true`): a leaf call that is done, for the steps after it, once it is ready —
 * and keeps running until the steps or dag scope that started it ends, which stops it; it then reads
 * Succeeded. A daemon that exits on its own fails, whatever its exit code (Argo's operator marks a daemoned
 * node that ended Failed). Ready means: its readiness probe succeeded (the executor reports `ready`), or,
 * without a probe, it started.
 *
 * The engine keeps the semantics (when a daemon counts as done, when it is stopped, what its phase is); the
 * executor runs the probe and stops the process through the call's abort signal, as for any stopped call.
 *
 * @module
 */
import type { LeafTemplate, Template } from 'dflow-ts'

/**
 * A Kubernetes readiness probe, as the importer read it: exactly one of `httpGet` (asks
 * `http(s)://127.0.0.1:PORT/PATH`, ready on a status 200–399), `tcpSocket` (a connection to 127.0.0.1:PORT
 * opens) and `exec` (the command, run inside the daemon's mount namespace, exits 0). Times in seconds and
 * thresholds in tries, Kubernetes' defaults filled in (initial delay 0, period 10, timeout 1, success
 * threshold 1, failure threshold 3).
 *
 * @example
 * ```ts
 * const p: ReadinessProbe = { httpGet: { port: 8086, path: '/ping' }, initialDelaySeconds: 2, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }
 * const q: ReadinessProbe = { exec: { command: ['cat', '/tmp/ready'] }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 2, failureThreshold: 3 }
 * ```
 */
export interface ReadinessProbe {
  readonly httpGet?: { readonly port: number; readonly path: string; readonly scheme?: 'HTTP' | 'HTTPS'; readonly headers?: readonly (readonly [string, string])[] }
  readonly tcpSocket?: { readonly port: number }
  readonly exec?: { readonly command: readonly string[] }
  readonly initialDelaySeconds: number
  readonly periodSeconds: number
  readonly timeoutSeconds: number
  /** Tries in a row that must succeed for the daemon to be ready. */
  readonly successThreshold: number
  /**
   * Tries in a row that must fail for a ready container to be unready again. A daemon stays daemoned once it was
   * ready (Argo's operator marks a node daemoned only while it is not yet fulfilled), so it changes nothing here.
   */
  readonly failureThreshold: number
}

/**
 * What makes a leaf template a daemon: set as the template's `daemon` field (by the Argo importer).
 *
 * @example
 * ```ts
 * const d: Daemon = { readiness: { httpGet: { port: 8080, path: '/healthz' }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } }
 * ```
 */
export interface Daemon {
  readonly readiness?: ReadinessProbe
}

/** The daemon settings of a template, if it is a daemon's. @example daemonOf(t)?.readiness // the probe, or undefined */
export const daemonOf = (t: Template | LeafTemplate): Daemon | undefined => (t as { readonly daemon?: Daemon }).daemon

/** The scope variable saying a step is daemoned (running, and ready): what `A.Daemoned` and a bare `A` of a depends read. @example outputs[DAEMONED] // { kind: 'param', wire: 'true' } */
export const DAEMONED = '$daemoned'

/** Why a daemon was stopped: the scope that started it ended. @example ctl.abort(SCOPE_ENDED) */
export const SCOPE_ENDED = 'its scope ended: the daemon was stopped'

/**
 * The daemons started in one steps or dag scope: each registers how to stop it (which resolves with a
 * failure message when it had already failed on its own); {@link DaemonScope.end} stops them all at the end
 * of the scope and says the first failure.
 *
 * @example
 * ```ts
 * const d = daemonScope()
 * d.add(async () => undefined)
 * await d.end() // undefined: every daemon was stopped, none had failed
 * ```
 */
export interface DaemonScope {
  add(stop: () => Promise<string | undefined>): void
  end(): Promise<string | undefined>
}

/** A new, empty {@link DaemonScope}. @example const d = daemonScope() */
export const daemonScope = (): DaemonScope => {
  const stops: (() => Promise<string | undefined>)[] = []
  return {
    add: (stop) => void stops.push(stop),
    end: async () => (await Promise.all(stops.splice(0).map((s) => s()))).find((f) => f !== undefined),
  }
}
