import { existsSync, readFileSync } from 'node:fs'
import type { Duplex } from 'node:stream'
import { ssh2 } from './ssh2-module.ts'
import type { Client, ConnectConfig } from 'ssh2'
import { ContextError } from '../errors.ts'
import { authPlan, expandHome } from './auth.ts'
import { endpointName, type SshAuth } from './config.ts'
import { checkHostKey, fingerprint, hostKeyAlgorithms, hostName, keyTypeOf, parseKnownHosts, scanType, type KnownHost } from './known-hosts.ts'

/** One hop of a connection: the endpoint with its defaults filled. @example { host: '127.0.0.1', port: 2222, user: 'hpcuser' } */
export interface Hop {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly auth?: SshAuth
}

/** What every hop shares. @example { knownHosts: ['~/.ssh/known_hosts'], explicitKnownHosts: false, keepaliveIntervalMs: 15000, readyTimeoutMs: 20000 } */
export interface ConnectOptions {
  readonly knownHosts: readonly string[]
  /** The files were named by the user (so a missing one is an error, not skipped). */
  readonly explicitKnownHosts: boolean
  readonly keepaliveIntervalMs: number
  readonly readyTimeoutMs: number
}

const readKnownHosts = (context: string, o: ConnectOptions): KnownHost[] =>
  o.knownHosts.flatMap((f) => {
    const path = expandHome(f)
    if (!existsSync(path)) {
      if (o.explicitKnownHosts) throw new ContextError('config', context, `known_hosts file ${f} does not exist`, 'check knownHosts (--known-hosts FILE)')
      return []
    }
    return parseKnownHosts(readFileSync(path, 'utf8'), f)
  })

const where = (e: KnownHost) => `${e.file}:${e.line}`

/** The error for a host key known_hosts does not vouch for, with how to trust it or why it is refused. */
const hostKeyError = (context: string, hop: Hop, name: string, blob: Buffer, o: ConnectOptions, entries: readonly KnownHost[]): ContextError | undefined => {
  const check = checkHostKey(entries, name, blob)
  const shown = `${keyTypeOf(blob)} ${fingerprint(blob)}`
  if (check.verdict === 'known') return undefined
  if (check.verdict === 'revoked')
    return new ContextError('revoked-host-key', context, `the host key of ${name} (${shown}) is REVOKED in ${where(check.entry)}: refused`, 'ask the host\'s administrator which key it should have')
  if (check.verdict === 'changed')
    return new ContextError(
      'changed-host-key',
      context,
      `WARNING: THE HOST KEY OF ${name} HAS CHANGED: it presented ${shown}, but ${check.listed.map(where).join(', ')} lists another ${keyTypeOf(blob)} key for it. Someone could be intercepting the connection (or the host was reinstalled): refused`,
      `if the change is expected, check the new fingerprint with the host's administrator, then remove the old entry (ssh-keygen -R '${name}' -f ${check.listed[0]!.file}) and add the new one`,
    )
  const files = o.knownHosts.length > 0 ? o.knownHosts.join(', ') : 'none'
  const scan = `ssh-keyscan${hop.port === 22 ? '' : ` -p ${hop.port}`} -t ${scanType(keyTypeOf(blob))} ${hop.host} >> ~/.ssh/known_hosts`
  return new ContextError(
    'unknown-host',
    context,
    `the host ${name} is not known: it presented ${shown}, which no known_hosts file lists (read: ${files})`,
    `if that fingerprint is the host's (ask its administrator), trust it: \`${scan}\` — or give a known_hosts file that lists it with --known-hosts FILE (knownHosts in the config)`,
  )
}

/**
 * Opens one authenticated SSH connection to `hop` (over `sock`, a channel forwarded by a jump host, when
 * given), its host key checked against known_hosts first. Rejects with a {@link ContextError}: `unknown-host`,
 * `changed-host-key`, `revoked-host-key`, `auth`, `config` (not retryable) or `unreachable` (retryable).
 *
 * @example
 * ```ts
 * const client = await connectHop({ host: '127.0.0.1', port: 2222, user: 'hpcuser', auth: { keys: [key] } }, options)
 * ```
 */
export const connectHop = (hop: Hop, o: ConnectOptions, sock?: Duplex): Promise<Client> => {
  const context = endpointName(hop)
  const name = hostName(hop.host, hop.port)
  const entries = readKnownHosts(context, o)
  const plan = authPlan(context, hop.user, hop.auth)
  return new Promise((resolve, reject) => {
    const client = new (ssh2().Client)()
    let refused: ContextError | undefined
    let settled = false
    const fail = (e: ContextError) => {
      if (settled) return
      settled = true
      client.end()
      reject(e)
    }
    client.once('ready', () => {
      settled = true
      resolve(client)
    })
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (refused) return fail(refused)
      if (e.level === 'client-authentication')
        return fail(new ContextError('auth', context, `${hop.user} was refused by ${name} (tried: ${plan.tried.join(', ')})`, 'check the key is in ~/.ssh/authorized_keys there, the agent holds it (ssh-add -l), or the password variable', { cause: e }))
      if (e.level === 'agent')
        return fail(new ContextError('auth', context, `the agent failed: ${e.message}`, 'check SSH_AUTH_SOCK and that the agent runs (ssh-add -l)', { cause: e }))
      fail(new ContextError('unreachable', context, `cannot connect to ${name}: ${e.code ?? e.message}`, 'check the host, the port and that sshd runs there', { cause: e }))
    })
    client.on('close', () => fail(refused ?? new ContextError('unreachable', context, `${name} closed the connection during the handshake`, 'check the server\'s MaxStartups and its log')))
    const config: ConnectConfig = {
      username: hop.user,
      authHandler: plan.methods as ConnectConfig['authHandler'],
      hostVerifier: (key: Buffer) => {
        refused = hostKeyError(context, hop, name, key, o, entries)
        return refused === undefined
      },
      algorithms: { serverHostKey: hostKeyAlgorithms(entries, name) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      readyTimeout: o.readyTimeoutMs,
      ...(sock ? { sock } : { host: hop.host, port: hop.port }),
    }
    try {
      client.connect(config)
    } catch (e) {
      fail(new ContextError('config', context, `cannot connect: ${(e as Error).message}`, 'check the auth settings', { cause: e }))
    }
  })
}

/** A channel on `via` to `to`'s port (the ProxyJump). @example const sock = await forward(bastion, hop) */
const forward = (via: Client, viaHop: Hop, to: Hop): Promise<Duplex> =>
  new Promise((resolve, reject) =>
    via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) =>
      err
        ? reject(new ContextError('unreachable', endpointName(viaHop), `the jump host cannot reach ${hostName(to.host, to.port)}: ${err.message}`, 'check the target host and port as the jump host sees them, and AllowTcpForwarding there', { cause: err }))
        : resolve(stream),
    ),
  )

/**
 * Connects through a chain of hops, nearest first (the jump hosts, then the target): each next hop over a
 * channel forwarded by the one before. Returns every client, the target's last; a failure ends those opened.
 *
 * @example
 * ```ts
 * const clients = await connectChain([bastion, target], options) // clients[1] is the target's connection
 * ```
 */
export const connectChain = async (hops: readonly Hop[], o: ConnectOptions): Promise<Client[]> => {
  const clients: Client[] = []
  try {
    for (const [i, hop] of hops.entries()) {
      const prev = clients[i - 1]
      clients.push(await connectHop(hop, o, prev ? await forward(prev, hops[i - 1]!, hop) : undefined))
    }
    return clients
  } catch (e) {
    for (const c of clients.reverse()) c.end()
    throw e
  }
}
