import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let loaded: typeof import('ssh2') | undefined

/**
 * The ssh2 package, loaded the first time a connection is made or a key is read: every `dflow` command that
 * never goes over SSH (most) starts without it.
 *
 * @example
 * ```ts
 * const client = new (ssh2().Client)()
 * ```
 */
export const ssh2 = (): typeof import('ssh2') => (loaded ??= require('ssh2') as typeof import('ssh2'))
