/**
 * DPDispatcher's `machine` dict, its context part: `context_type`, `remote_root`, `local_root` and the SSH
 * `remote_profile`, mapped to a context's configuration (pure). What cannot map is an error that says what to
 * write instead: a literal password or passphrase (name an environment variable: `password_env`,
 * `passphrase_env`), `totp_secret`, `execute_command`, and a `proxy_command` other than `ssh -W HOST:PORT JUMP`.
 */
import { DflowError, problem, type Problem } from '../../../dsl/problem.ts'
import { parseEndpoint, type SshAuth, type SshConfig, type SshEndpoint } from './ssh/config.ts'

/** The context a machine dict describes. @example { kind: 'ssh', config: { host: 'login', user: 'me', root: '/scratch/me' } } */
export type MachineContext = { readonly kind: 'local'; readonly root: string } | { readonly kind: 'ssh'; readonly config: SshConfig }

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0

/** `ssh -W HOST:PORT [-p PORT] [-i KEY] [USER@]JUMP`, the one proxy_command form that is a jump host. */
const jumpOf = (command: string, at: readonly string[], problems: Problem[]): SshEndpoint | undefined => {
  const words = command.trim().split(/\s+/)
  if (words[0] !== 'ssh' || !words.includes('-W')) {
    problems.push(problem([...at, 'proxy_command'], `"${command}" is not "ssh -W HOST:PORT [USER@]JUMP"`, 'give the jump host as jump: "user@host:port" instead'))
    return undefined
  }
  let port: number | undefined
  let key: string | undefined
  let dest: string | undefined
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!
    if (w === '-W') i++
    else if (w === '-p') port = Number(words[++i])
    else if (w === '-i') key = words[++i]
    else if (w === '-q') continue
    else if (w.startsWith('-')) {
      problems.push(problem([...at, 'proxy_command'], `option ${w} of "${command}" is not supported`, 'give the jump host as jump: "user@host:port"'))
      return undefined
    } else dest = w
  }
  if (dest === undefined) {
    problems.push(problem([...at, 'proxy_command'], `"${command}" names no jump host`, 'end it with [USER@]JUMP'))
    return undefined
  }
  const e = parseEndpoint(dest, [...at, 'proxy_command'].join('.'))
  return { ...e, ...(port !== undefined ? { port } : {}), ...(key !== undefined ? { auth: { keys: [key] } } : {}) }
}

/**
 * Maps a DPDispatcher machine dict's context to ours: `LocalContext` / `LazyLocalContext` → local (root: the
 * `remote_root`, else `local_root`); `SSHContext` → SSH with `hostname`, `username`, `port`, `key_filename`
 * (one or a list: then only those keys; with none, OpenSSH's defaults unless `look_for_keys` is false), `timeout` (s, the handshake's limit),
 * `proxy_command` (`ssh -W …`), and our `password_env`, `passphrase_env`, `jump`, `known_hosts`. Every
 * problem is collected into one {@link DflowError} with its path.
 *
 * @example
 * ```ts
 * machineContext({ context_type: 'SSHContext', remote_root: '/scratch/me/dflow',
 *   remote_profile: { hostname: 'login', username: 'me', port: 22, key_filename: '~/.ssh/id_ed25519' } })
 * // { kind: 'ssh', config: { host: 'login', user: 'me', port: 22, root: '/scratch/me/dflow', auth: { keys: ['~/.ssh/id_ed25519'] } } }
 * ```
 */
export const machineContext = (machine: Readonly<Record<string, unknown>>): MachineContext => {
  const problems: Problem[] = []
  const type = String(machine['context_type'] ?? '').replace(/context$/i, '').toLowerCase()
  const root = machine['remote_root']
  if (type === 'local' || type === 'lazylocal') {
    const r = str(root) ? root : machine['local_root']
    if (!str(r)) throw new DflowError([problem(['machine', 'remote_root'], 'a local context needs remote_root (or local_root)', 'give the folder jobs run in')])
    return { kind: 'local', root: r }
  }
  if (type !== 'ssh')
    throw new DflowError([problem(['machine', 'context_type'], `context_type "${String(machine['context_type'])}" is not supported`, 'use LocalContext or SSHContext')])
  if (!str(root) || !root.startsWith('/')) problems.push(problem(['machine', 'remote_root'], 'an SSH context needs an absolute remote_root', 'for example /scratch/USER/dflow'))
  const profile = (machine['remote_profile'] ?? {}) as Record<string, unknown>
  const at = ['machine', 'remote_profile']
  for (const [k, instead] of [['password', 'password_env'], ['passphrase', 'passphrase_env']] as const)
    if (profile[k] !== undefined) problems.push(problem([...at, k], `a literal ${k} is not accepted (it would sit in a file and in memory dumps)`, `put it in an environment variable and name that variable in ${instead}`))
  for (const k of ['totp_secret', 'execute_command'])
    if (profile[k] !== undefined) problems.push(problem([...at, k], `${k} is not supported`, k === 'execute_command' ? 'put the command in the job\'s pre script' : 'use a key or an agent'))
  if (!str(profile['hostname'])) problems.push(problem([...at, 'hostname'], 'hostname is required', 'the login node\'s name'))
  if (!str(profile['username'])) problems.push(problem([...at, 'username'], 'username is required', 'your user on the login node'))
  const port = profile['port'] === undefined ? undefined : Number(profile['port'])
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) problems.push(problem([...at, 'port'], `port ${String(profile['port'])} is not a port number`, 'for example 22'))
  const keys = [profile['key_filename']].flat().filter(str)
  // no key_filename and no variable: OpenSSH's defaults (the agent, ~/.ssh/id_*) — look_for_keys: false turns them off
  const explicit = keys.length > 0 || profile['look_for_keys'] === false || str(profile['password_env']) || str(profile['passphrase_env'])
  const auth: SshAuth | undefined = explicit
    ? {
        keys,
        ...(str(profile['passphrase_env']) ? { passphraseEnv: profile['passphrase_env'] } : {}),
        ...(str(profile['password_env']) ? { passwordEnv: profile['password_env'] } : {}),
      }
    : undefined
  const jump = str(profile['jump']) ? profile['jump'] : str(profile['proxy_command']) ? jumpOf(profile['proxy_command'], at, problems) : undefined
  if (problems.length > 0) throw new DflowError(problems)
  const timeout = Number(profile['timeout'])
  return {
    kind: 'ssh',
    config: {
      host: profile['hostname'] as string,
      user: profile['username'] as string,
      ...(port !== undefined ? { port } : {}),
      root: root as string,
      ...(auth ? { auth } : {}),
      ...(jump ? { jump } : {}),
      ...(str(profile['known_hosts']) ? { knownHosts: profile['known_hosts'] } : {}),
      ...(Number.isFinite(timeout) && timeout > 0 ? { readyTimeoutMs: timeout * 1000 } : {}),
    },
  }
}
