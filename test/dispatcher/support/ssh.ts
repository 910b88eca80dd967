import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { sshContext, type Context, type SshConfig } from '../../../lib/dispatcher/context/index.ts'

const script = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url))

/** The test sshd of `scripts/services.sh` (its `env` exports). @example sshTest().port // 2222 */
export interface SshTest {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly key: string
  readonly rsaKey: string
  readonly knownHosts: string
  /** The sshd's state folder (host keys, sshd_config). */
  readonly dir: string
}

/**
 * What `scripts/services.sh env` says of the test sshd.
 *
 * @example
 * ```ts
 * const s = sshTest()
 * sshContext({ host: s.host, port: s.port, user: s.user, root: '/tmp/x', auth: { keys: [s.key] }, knownHosts: s.knownHosts })
 * ```
 */
export const sshTest = (): SshTest => {
  const out = spawnSync('bash', [script, 'env', 'sshd'], { encoding: 'utf8' }).stdout
  const v = (k: string) => new RegExp(`^export ${k}=(.*)$`, 'm').exec(out)?.[1] ?? ''
  return {
    host: v('SSH_TEST_HOST'),
    port: Number(v('SSH_TEST_PORT')),
    user: v('SSH_TEST_USER'),
    password: v('SSH_TEST_PASSWORD'),
    key: v('SSH_TEST_KEY'),
    rsaKey: v('SSH_TEST_RSA_KEY'),
    knownHosts: v('SSH_TEST_KNOWN_HOSTS'),
    dir: dirname(v('SSH_TEST_KEY')),
  }
}

/**
 * A config for the test sshd (key auth with the ed25519 key, its known_hosts), through `port` when given (a
 * proxy in front of it: known_hosts then needs the proxy's name, so the file is given by the caller).
 *
 * @example sshConfigFor(sshTest(), '/tmp/root', { maxSessions: 4 })
 */
export const sshConfigFor = (s: SshTest, root: string, more: Partial<SshConfig> = {}): SshConfig => ({
  host: s.host,
  port: s.port,
  user: s.user,
  root,
  auth: { keys: [s.key] },
  knownHosts: s.knownHosts,
  reconnect: { firstDelayMs: 100, maxDelayMs: 1000, giveUpAfterMs: 30_000 },
  ...more,
})

/**
 * Writes a known_hosts file listing the test sshd's host keys under the name `[127.0.0.1]:PORT` (the port
 * a client dials: a proxy's, another sshd's), the key types chosen.
 *
 * @example knownHostsFor(s, proxy.port, join(tmp, 'kh'))
 */
export const knownHostsFor = (s: SshTest, port: number, file: string, types: readonly ('ed25519' | 'rsa')[] = ['ed25519', 'rsa']): string => {
  const lines = types.map((t) => `[127.0.0.1]:${port} ${readFileSync(`${s.dir}/ssh_host_${t}_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`)
  writeFileSync(file, lines.join(''))
  return file
}

/**
 * A context on the test sshd under a fresh remote root `/tmp/dflow-NAME-XXXX`, and how to end it: the root
 * removed, the connection closed.
 *
 * @example
 * ```ts
 * const { ctx, end } = sshScratch('artifacts')
 * test.after(end)
 * ```
 */
export const sshScratch = (name: string): { readonly ctx: Context; readonly end: () => Promise<void> } => {
  const root = `/tmp/dflow-${name}-${randomBytes(4).toString('hex')}`
  const ctx = sshContext(sshConfigFor(sshTest(), root))
  return {
    ctx,
    end: async () => {
      await ctx.exec({ argv: ['rm', '-rf', root] }).catch(() => undefined)
      await ctx.close()
    },
  }
}
