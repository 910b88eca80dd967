import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { argoStateDir } from './state-dir.ts'
import { DflowError, problem } from 'dflow-ts'
import { packageFile } from '../../loader/package-files.ts'
import type { Warnings } from './fields.ts'

type Obj = Record<string, any>

/** The program that holds a workflow's locks (see its docstring); the leaf runner imports it for a template's. @example LOCK_HOLDER // '/…/lib/argo/import/argo-lock.py' */
export const LOCK_HOLDER = packageFile('lib/argo/import/argo-lock.py')

/**
 * One lock of Argo's synchronization, held on this host: a mutex is an exclusive lock on one file, a
 * semaphore of limit N a lock on any one of N files (`DIR/semaphore-CONFIGMAP-KEY.I.lock`). Locks live as
 * long as the process that holds them, so a crashed holder leaves none behind. The limit is read when the
 * workflow is imported (Argo re-reads the ConfigMap as it changes).
 *
 * @example
 * ```ts
 * const l: Lock = { kind: 'mutex', name: 'test', files: ['/home/me/.cache/dflow-ts/argo-locks/mutex-test.lock'] }
 * ```
 */
export interface Lock {
  readonly kind: 'mutex' | 'semaphore'
  readonly name: string
  readonly files: readonly string[]
}

/**
 * Where the lock files live when the import is not told: `$DFLOW_ARGO_SYNC_DIR`, else
 * `$XDG_CACHE_HOME/dflow-ts/argo-locks` — shared by every run of this user on this host, as a cluster's
 * locks are shared by the workflows of a namespace.
 *
 * @example
 * ```ts
 * defaultSyncDir() // '/home/me/.cache/dflow-ts/argo-locks'
 * ```
 */
export const defaultSyncDir = (): string => argoStateDir('locks', 'DFLOW_ARGO_SYNC_DIR')

const SYNC_FIELDS = ['mutex', 'mutexes', 'semaphore', 'semaphores']

/**
 * The locks of a `synchronization` (Argo ≥ 3.6's `mutexes`/`semaphores` lists, and the older `mutex`/
 * `semaphore`): a semaphore's limit from its ConfigMap key, given as a --configmap file. Database-backed
 * locks (`database: true`) have no local meaning here and are refused.
 *
 * @example
 * ```ts
 * synchronizationOf({ mutexes: [{ name: 'test' }] }, ['spec', 'synchronization'], w, dir, cmValue) // [{ kind: 'mutex', name: 'test', files: [...] }]
 * ```
 */
export const synchronizationOf = (
  s: Obj,
  path: readonly string[],
  w: Warnings,
  dir: string,
  configMapValue: (name: string, key: string, path: readonly string[]) => string,
): readonly Lock[] => {
  const fail = (at: readonly string[], message: string, hint?: string): never => {
    throw new DflowError([problem(at, message, hint)])
  }
  if (typeof s !== 'object' || s === null) fail(path, 'synchronization must be an object')
  for (const k of Object.keys(s)) if (!SYNC_FIELDS.includes(k)) fail([...path, k], `the field "${k}" is not supported by the local importer`)
  const base = resolve(dir)
  const safe = (x: string) => x.replace(/[^-._a-zA-Z0-9]/g, '_')
  const locks: Lock[] = []
  const each = (k: string): readonly [Obj, readonly string[]][] => {
    const v = s[k]
    if (v === undefined) return []
    if (k === 'mutex' || k === 'semaphore') return [[v, [...path, k]]]
    return Array.isArray(v) ? v.map((x, i) => [x, [...path, k, String(i)]]) : fail([...path, k], 'expected a list')
  }
  for (const k of ['mutex', 'mutexes', 'semaphore', 'semaphores'])
    for (const [x, at] of each(k)) {
      if (x?.database) fail([...at, 'database'], 'a database-backed lock is not supported locally (a lock on this host is)')
      for (const f of Object.keys(x ?? {})) if (!['name', 'configMapKeyRef', 'namespace', 'database'].includes(f)) fail([...at, f], `the field "${f}" is not supported by the local importer`)
      // a lock of another namespace is one more name on this host
      if (x?.namespace !== undefined) w.add([...at, 'namespace'], 'names a namespace: locally every namespace shares this host\'s locks')
      if (k.startsWith('mutex')) {
        const name = String(x?.name ?? fail(at, 'a mutex needs a name'))
        locks.push({ kind: 'mutex', name, files: [join(base, `mutex-${safe(name)}.lock`)] })
        continue
      }
      const ref = (x?.configMapKeyRef ?? fail(at, 'a semaphore needs configMapKeyRef (its limit)')) as Obj
      const text = configMapValue(String(ref.name), String(ref.key), [...at, 'configMapKeyRef'])
      const limit = Number(text)
      if (!Number.isInteger(limit) || limit < 1) fail([...at, 'configMapKeyRef'], `the semaphore's limit ${JSON.stringify(text)} (ConfigMap "${ref.name}", key "${ref.key}") is not a positive whole number`)
      const stem = `semaphore-${safe(String(ref.name))}-${safe(String(ref.key))}`
      locks.push({ kind: 'semaphore', name: `${ref.name}/${ref.key}`, files: Array.from({ length: limit }, (_, i) => join(base, `${stem}.${i}.lock`)) })
    }
  return locks
}

/**
 * Takes a workflow's locks (waiting until they are free) and resolves to the function that releases them:
 * a process of this host holds them, and lets go when released or when this process ends.
 *
 * @example
 * ```ts
 * const release = await holdLocks(imported.synchronization ?? [])
 * try { await local().run(imported.workflow) } finally { release() }
 * ```
 */
export const holdLocks = (locks: readonly Lock[]): Promise<() => void> => {
  if (!locks.length) return Promise.resolve(() => {})
  return new Promise((done, failed) => {
    const p = spawn('python3', [LOCK_HOLDER, JSON.stringify(locks)], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    p.on('error', failed)
    p.on('exit', (code) => !out.includes('held') && failed(new Error(`the lock holder ended (code ${code}) before it held the locks`)))
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      if (out.includes('held\n')) done(() => p.stdin.end())
    })
  })
}
