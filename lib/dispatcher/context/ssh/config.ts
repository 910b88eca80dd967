/**
 * The SSH context's configuration, as data: where to connect (host, port, user, jump hosts), how to
 * authenticate, which known_hosts files to trust, and the limits of the connection.
 */
import { DflowError, problem } from '../../../../dsl/problem.ts'

/**
 * How to authenticate, tried in this order: the agent, each key file, the password. With no `auth` at all the
 * defaults are OpenSSH's: the agent when `SSH_AUTH_SOCK` is set, then `~/.ssh/id_ed25519`, `id_ecdsa` and
 * `id_rsa` where they exist. A password is never a value here: only the NAME of an environment variable.
 *
 * @example { keys: ['~/.ssh/id_ed25519'], agent: true, passwordEnv: 'HPC_PASSWORD' }
 */
export interface SshAuth {
  /** Private key files (OpenSSH or PEM; ed25519, RSA, ECDSA). */
  readonly keys?: readonly string[]
  /** The environment variable holding the passphrase of an encrypted key. */
  readonly passphraseEnv?: string
  /** `true`: the agent at `SSH_AUTH_SOCK`; a string: that agent socket. */
  readonly agent?: boolean | string
  /** The environment variable holding the password. */
  readonly passwordEnv?: string
}

/** A host to connect to. @example { host: 'login.hpc.example', port: 22, user: 'me' } */
export interface SshEndpoint {
  readonly host: string
  /** Default 22. */
  readonly port?: number
  /** Default: `$USER`. */
  readonly user?: string
  /** For a jump host: defaults to the target's. */
  readonly auth?: SshAuth
}

/**
 * An SSH context: the login node, its jump hosts, the remote root, and the connection's knobs.
 *
 * @example
 * ```ts
 * const config: SshConfig = { host: 'login.hpc', user: 'me', root: '/scratch/me/dflow', jump: 'me@bastion.hpc',
 *   auth: { keys: ['~/.ssh/id_ed25519'] }, knownHosts: ['~/.ssh/known_hosts'] }
 * ```
 */
export interface SshConfig extends SshEndpoint {
  /** The absolute remote folder runs are laid out under. */
  readonly root: string
  /** ProxyJump: one host (`user@host:port` or an endpoint) or a chain, nearest first. */
  readonly jump?: string | SshEndpoint | readonly (string | SshEndpoint)[]
  /** known_hosts files (default `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts`); a host not in them is refused. */
  readonly knownHosts?: string | readonly string[]
  /** The server's MaxSessions (OpenSSH's default 10): channels open at once on the connection, SFTP included. */
  readonly maxSessions?: number
  /** Reconnect backoff: the first delay (250 ms), the largest (5 s), and when to give up (60 s after the drop). */
  readonly reconnect?: { readonly firstDelayMs?: number; readonly maxDelayMs?: number; readonly giveUpAfterMs?: number }
  /** SSH keepalives (15 s; 3 unanswered close the connection, so a silent drop is noticed). */
  readonly keepaliveIntervalMs?: number
  /** The handshake's time limit (20 s). */
  readonly readyTimeoutMs?: number
  /** Exported before every command (`SGE_ROOT`, a `PATH`); `LC_ALL=C` always. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Parses `[user@]host[:port]` (an IPv6 host in brackets: `[::1]:2222`); a bad one is a {@link DflowError}
 * naming the field.
 *
 * @example
 * ```ts
 * parseEndpoint('hpcuser@127.0.0.1:2222') // { host: '127.0.0.1', port: 2222, user: 'hpcuser' }
 * ```
 */
export const parseEndpoint = (text: string, field = 'ssh'): SshEndpoint => {
  const m = /^(?:([^@\s:]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@\s:[\]]+)(?::(\d{1,5}))?$/.exec(text)
  const port = m?.[3] === undefined ? undefined : Number(m[3])
  if (!m || (port !== undefined && (port < 1 || port > 65535)))
    throw new DflowError([problem([field], `"${text}" is not [USER@]HOST[:PORT]`, 'for example hpcuser@login.example.org:22')])
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1')
  return { host, ...(port !== undefined ? { port } : {}), ...(m[1] !== undefined ? { user: m[1] } : {}) }
}

/** The endpoint with defaults filled (port 22, user `$USER`). @example withDefaults({ host: 'h' }).port // 22 */
export const withDefaults = (e: SshEndpoint, auth?: SshAuth): SshEndpoint & { readonly port: number; readonly user: string } => ({
  ...e,
  port: e.port ?? 22,
  user: e.user ?? process.env['USER'] ?? process.env['LOGNAME'] ?? 'root',
  ...(e.auth ?? auth ? { auth: e.auth ?? auth } : {}),
})

/** `ssh://user@host:port`, the name of a context in its errors. @example endpointName({ host: 'h', port: 22, user: 'me' }) // 'ssh://me@h:22' */
export const endpointName = (e: { readonly host: string; readonly port: number; readonly user: string }): string =>
  `ssh://${e.user}@${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`
