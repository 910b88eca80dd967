/**
 * OpenSSH's known_hosts, read as data: plain and hashed (`|1|salt|hash`) host entries, `[host]:port` names,
 * patterns with `*`, `?` and `!`, and the `@revoked` marker; and the check of a server's key against them.
 * Pure: the caller reads the files.
 */
import { createHash, createHmac } from 'node:crypto'

/** One key line of a known_hosts file. @example { file: '~/.ssh/known_hosts', line: 3, hosts: ['[login]:2222'], keyType: 'ssh-ed25519', key: 'AAAA…' } */
export interface KnownHost {
  readonly file: string
  readonly line: number
  readonly marker?: 'revoked' | 'cert-authority'
  /** Plain patterns (comma-separated in the file), or a hashed name. */
  readonly hosts: readonly string[] | { readonly salt: Buffer; readonly hash: Buffer }
  readonly keyType: string
  /** The key blob, base64. */
  readonly key: string
}

/**
 * The entries of one known_hosts file's text (comments, blank and malformed lines skipped).
 *
 * @example
 * ```ts
 * parseKnownHosts('[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nz…\n', 'kh')[0].hosts // ['[127.0.0.1]:2222']
 * ```
 */
export const parseKnownHosts = (text: string, file: string): KnownHost[] =>
  text.split('\n').flatMap((raw, i): KnownHost[] => {
    const fields = raw.trim().split(/\s+/)
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return []
    const marker = fields[0] === '@revoked' ? 'revoked' : fields[0] === '@cert-authority' ? 'cert-authority' : undefined
    const [names, keyType, key] = marker ? fields.slice(1) : fields
    if (!names || !keyType || !key) return []
    const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(names)
    const hosts = hashed ? { salt: Buffer.from(hashed[1]!, 'base64'), hash: Buffer.from(hashed[2]!, 'base64') } : names.split(',')
    return [{ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key }]
  })

/** The name a host has in known_hosts: bare on port 22, else `[host]:port`. @example hostName('127.0.0.1', 2222) // '[127.0.0.1]:2222' */
export const hostName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`)

const glob = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(name)

/** Whether an entry names the host (`name` as {@link hostName} writes it). @example matchesHost(entry, '[127.0.0.1]:2222') */
export const matchesHost = (entry: KnownHost, name: string): boolean => {
  if (!Array.isArray(entry.hosts)) {
    const { salt, hash } = entry.hosts as { salt: Buffer; hash: Buffer }
    return createHmac('sha1', salt).update(name).digest().equals(hash)
  }
  const patterns = entry.hosts as readonly string[]
  if (patterns.some((p) => p.startsWith('!') && glob(p.slice(1), name))) return false
  return patterns.some((p) => !p.startsWith('!') && glob(p, name))
}

/** The key type a key blob declares (its first SSH string). @example keyTypeOf(blob) // 'ssh-ed25519' */
export const keyTypeOf = (blob: Buffer): string => {
  if (blob.length < 4) return 'unknown'
  const n = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + n).toString('latin1')
}

/** OpenSSH's fingerprint of a key blob. @example fingerprint(blob) // 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' */
export const fingerprint = (blob: Buffer): string => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`

/** What known_hosts says of a server's key. @example { verdict: 'changed', listed: [entry] } */
export type HostKeyCheck =
  | { readonly verdict: 'known'; readonly entry: KnownHost }
  | { readonly verdict: 'unknown' }
  | { readonly verdict: 'changed'; readonly listed: readonly KnownHost[] }
  | { readonly verdict: 'revoked'; readonly entry: KnownHost }

/**
 * Checks a server's key against the entries: `revoked` when a `@revoked` line lists it, `known` when an entry
 * for the host has this key, `changed` when entries for the host list other keys of the same type (OpenSSH's
 * "REMOTE HOST IDENTIFICATION HAS CHANGED"), else `unknown`.
 *
 * @example
 * ```ts
 * checkHostKey(entries, '[127.0.0.1]:2222', blob).verdict // 'known'
 * ```
 */
export const checkHostKey = (entries: readonly KnownHost[], name: string, blob: Buffer): HostKeyCheck => {
  const key = blob.toString('base64')
  const type = keyTypeOf(blob)
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === key)
  if (revoked) return { verdict: 'revoked', entry: revoked }
  const forHost = entries.filter((e) => e.marker === undefined && matchesHost(e, name))
  const entry = forHost.find((e) => e.key === key)
  if (entry) return { verdict: 'known', entry }
  const listed = forHost.filter((e) => e.keyType === type)
  return listed.length > 0 ? { verdict: 'changed', listed } : { verdict: 'unknown' }
}

const ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}
const DEFAULT_ORDER = Object.values(ALGORITHMS).flat()

/**
 * The host key algorithms to offer, those of the key types known_hosts lists for the host first (as OpenSSH
 * orders them), so that a server with several host keys presents one we can check.
 *
 * @example
 * ```ts
 * hostKeyAlgorithms(entries, '[127.0.0.1]:2222') // ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', …] when only its RSA key is listed
 * ```
 */
export const hostKeyAlgorithms = (entries: readonly KnownHost[], name: string): string[] => {
  const known = entries.filter((e) => e.marker === undefined && matchesHost(e, name)).flatMap((e) => ALGORITHMS[e.keyType] ?? [])
  return [...new Set([...known, ...DEFAULT_ORDER])]
}

/** `ssh-keyscan`'s name for a key type. @example scanType('ssh-ed25519') // 'ed25519' */
export const scanType = (keyType: string): string =>
  keyType === 'ssh-ed25519' ? 'ed25519' : keyType === 'ssh-rsa' ? 'rsa' : keyType.startsWith('ecdsa-') ? 'ecdsa' : keyType
