import { join, resolve } from 'node:path'
import { argoStateDir } from './state-dir.ts'
import { DflowError, problem } from 'dflow-ts'
import { seconds } from './durations.ts'
import { FIELDS, fieldProblems, type Warnings } from './fields.ts'

type Obj = Record<string, any>

/**
 * A template's memoization: before a call runs, its key (its tags substituted) is looked up in the ConfigMap
 * file `DIR/NAME.json`; an entry younger than maxAge gives the outputs without running, and a successful call
 * stores them — a leaf's by the leaf runner, a steps or dag template's by the composite prior
 * (composite-memo.ts), both through argo-memo.py. The file is a ConfigMap document, in the format of Argo's
 * cache (workflow/controller/cache/configmap_cache.go: data KEY = JSON `{nodeID, outputs: {parameters,
 * artifacts, result, exitCode}, creationTimestamp, lastHitTimestamp}`, label
 * `workflows.argoproj.io/configmap-type: Cache`), so `dflow run --configmap` and `kubectl apply` read it.
 *
 * @example
 * ```ts
 * const m: Memoize = { key: 'k-{{inputs.parameters.x}}', maxAge: 10, configMap: 'cache-config', file: '/home/me/.cache/dflow-ts/argo-memoize/cache-config.json' }
 * ```
 */
export interface Memoize {
  readonly key: string
  /** Seconds (scaled), or null for no limit. */
  readonly maxAge: number | null
  readonly configMap: string
  readonly file: string
}

/**
 * Where memoize caches live when the import is not told: `$DFLOW_ARGO_MEMOIZE_DIR`, else
 * `$XDG_CACHE_HOME/dflow-ts/argo-memoize` (`~/.cache/…`) — kept across runs, as a cluster keeps its ConfigMaps.
 *
 * @example
 * ```ts
 * defaultMemoizeDir() // '/home/me/.cache/dflow-ts/argo-memoize'
 * ```
 */
export const defaultMemoizeDir = (): string => argoStateDir('memoize', 'DFLOW_ARGO_MEMOIZE_DIR')

/**
 * Reads a template's `memoize` (key, maxAge, cache.configMap.name) into what the leaf runner and the composite prior need.
 *
 * @example
 * ```ts
 * memoizeOf({ key: 'k', maxAge: '10s', cache: { configMap: { name: 'cm' } } }, ['spec', 'templates', '0', 'memoize'], w, '/tmp/memo', 1)
 * // { key: 'k', maxAge: 10, configMap: 'cm', file: '/tmp/memo/cm.json' }
 * ```
 */
export const memoizeOf = (m: Obj, path: readonly string[], w: Warnings, dir: string, timeScale: number): Memoize => {
  const ps = fieldProblems(m, FIELDS.memoize, path, w)
  if (ps.length) throw new DflowError(ps)
  const fail = (at: readonly string[], message: string): never => {
    throw new DflowError([problem(at, message)])
  }
  if (typeof m.key !== 'string' || m.key === '') fail([...path, 'key'], 'memoize needs a key')
  const cm = (m.cache?.configMap ?? fail([...path, 'cache'], 'memoize needs cache.configMap.name')) as Obj
  const cps = fieldProblems(cm, FIELDS.memoizeConfigMap, [...path, 'cache', 'configMap'], w)
  if (cps.length) throw new DflowError(cps)
  for (const k of Object.keys(m.cache)) if (k !== 'configMap') fail([...path, 'cache', k], `the cache "${k}" is not supported locally (a ConfigMap is)`)
  const name = String(cm.name ?? fail([...path, 'cache'], 'memoize needs cache.configMap.name'))
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) fail([...path, 'cache', 'configMap', 'name'], `${JSON.stringify(name)} is not a ConfigMap name`)
  // Argo reads maxAge as a Go duration ("10s", "1h"); absent, an entry never expires
  const maxAge = m.maxAge === undefined || m.maxAge === '' ? null : seconds(m.maxAge, [...path, 'maxAge']) * timeScale
  return { key: m.key as string, maxAge, configMap: name, file: join(resolve(dir), `${name}.json`) }
}
