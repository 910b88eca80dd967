import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * A folder of the state an imported workflow keeps on this host across runs, as a cluster keeps it in its
 * namespace (memoize ConfigMaps, synchronization locks, the artifact repository): `$ENV` when set, else
 * `$XDG_CACHE_HOME/dflow-ts/argo-KIND` (`~/.cache/…`).
 *
 * @example
 * ```ts
 * argoStateDir('memoize', 'DFLOW_ARGO_MEMOIZE_DIR') // '/home/me/.cache/dflow-ts/argo-memoize'
 * ```
 */
export const argoStateDir = (kind: string, env: string): string =>
  process.env[env] || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dflow-ts', `argo-${kind}`)
