import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ssh2 } from './ssh2-module.ts'
import type { AuthMethod } from 'ssh2'
import { ContextError } from '../errors.ts'
import type { SshAuth } from './config.ts'

/** `~/x` → the home folder's x. @example expandHome('~/.ssh/id_rsa') // '/home/me/.ssh/id_rsa' */
export const expandHome = (path: string): string => (path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path)

const DEFAULT_KEYS = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa']

/** The ssh2 methods to try, and what each is (for an error that lists what was tried). @example { methods: [{ type: 'agent', … }], tried: ['agent /tmp/ssh-x/agent.1'] } */
export interface AuthPlan {
  readonly methods: readonly AuthMethod[]
  readonly tried: readonly string[]
}

/**
 * The authentication methods for one user, in order: agent, keys, password. Every problem a user can fix
 * before connecting — a key file that cannot be read or parsed, a missing passphrase or password variable,
 * no agent socket — is a `config` {@link ContextError} naming the file or variable.
 *
 * @example
 * ```ts
 * authPlan('ssh://me@h:22', 'me', { keys: ['~/.ssh/id_ed25519'], passwordEnv: 'HPC_PASSWORD' }).tried
 * // ['key ~/.ssh/id_ed25519', 'password from $HPC_PASSWORD']
 * ```
 */
export const authPlan = (context: string, username: string, auth: SshAuth | undefined, env: NodeJS.ProcessEnv = process.env): AuthPlan => {
  const methods: AuthMethod[] = []
  const tried: string[] = []
  const fail = (message: string, hint: string) => new ContextError('config', context, message, hint)
  const agent = auth === undefined ? env['SSH_AUTH_SOCK'] || undefined : auth.agent === true ? env['SSH_AUTH_SOCK'] || '' : auth.agent || undefined
  if (agent === '') throw fail('auth.agent is true but SSH_AUTH_SOCK is not set', 'start an agent (eval "$(ssh-agent)"; ssh-add KEY) or give the socket path as auth.agent')
  if (agent !== undefined) {
    methods.push({ type: 'agent', username, agent } as AuthMethod)
    tried.push(`agent ${agent}`)
  }
  const keys = auth === undefined ? DEFAULT_KEYS.filter((k) => existsSync(expandHome(k))) : (auth.keys ?? [])
  const passphrase = auth?.passphraseEnv === undefined ? undefined : env[auth.passphraseEnv]
  if (auth?.passphraseEnv !== undefined && passphrase === undefined)
    throw fail(`auth.passphraseEnv names $${auth.passphraseEnv}, which is not set`, `export ${auth.passphraseEnv}=… before the run`)
  for (const file of keys) {
    let text: Buffer
    try {
      text = readFileSync(expandHome(file))
    } catch (e) {
      throw fail(`key file ${file} cannot be read: ${(e as Error).message}`, 'check auth.keys (or --ssh-key)')
    }
    const parsed = ssh2().utils.parseKey(text, passphrase)
    if (parsed instanceof Error)
      throw fail(`key file ${file} is not a usable private key: ${parsed.message}`, /encrypted|passphrase/i.test(parsed.message) ? 'set auth.passphraseEnv to the variable holding its passphrase' : 'give an OpenSSH or PEM private key (ed25519, RSA or ECDSA)')
    methods.push({ type: 'publickey', username, key: text, ...(passphrase !== undefined ? { passphrase } : {}) } as AuthMethod)
    tried.push(`key ${file}`)
  }
  if (auth?.passwordEnv !== undefined) {
    const password = env[auth.passwordEnv]
    if (password === undefined) throw fail(`auth.passwordEnv names $${auth.passwordEnv}, which is not set`, `export ${auth.passwordEnv}=… before the run (a password is never taken on a command line)`)
    methods.push({ type: 'password', username, password } as AuthMethod)
    tried.push(`password from $${auth.passwordEnv}`)
  }
  if (methods.length === 0)
    throw fail(`no way to authenticate as ${username}: no agent, no key file, no password variable`, 'set auth.keys (--ssh-key FILE), auth.agent (SSH_AUTH_SOCK) or auth.passwordEnv')
  return { methods, tried }
}
