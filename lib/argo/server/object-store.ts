import { randomUUID } from 'node:crypto'
import type { KubeObject, WatchEvent } from '../kube-object.ts'
import { kubeTime } from '../kube-time.ts'
import { ApiError } from './api-error.ts'
import { apiVersionOf, qualified, RESOURCES, type Resource, type ResourceName } from './resources.ts'
import type { Selector } from './selectors.ts'

/** One change, kept in the history that watches resume from. @example const c: Change = { rv: 7, resource: 'workflows', type: 'ADDED', object } */
export interface Change {
  readonly rv: number
  readonly resource: ResourceName
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
  readonly object: KubeObject
}

/** Who wants changes: a resource, optionally one namespace, a selector, a sink. */
interface Watcher {
  readonly resource: ResourceName
  readonly namespace: string | undefined
  readonly select: Selector
  readonly send: (e: WatchEvent & { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' }) => void
}

/**
 * The objects of the local API server, in memory, as etcd would hold them: one resourceVersion counter for
 * every change, and a bounded history of changes that a watch resumes from. A watch from a version older
 * than the history holds fails with 410 Gone (the client then lists again), as Kubernetes does after a
 * compaction.
 *
 * @example
 * ```ts
 * const s = objectStore()
 * const wf = s.create('workflows', { metadata: { generateName: 'hello-', namespace: 'argo' }, spec: {} })
 * s.get('workflows', 'argo', wf.metadata.name!).metadata.resourceVersion // '1'
 * ```
 */
export const objectStore = (options: { readonly historyLimit?: number } = {}) => {
  const limit = options.historyLimit ?? 10_000
  let rv = 0
  let compactedTo = 0 // changes with rv <= this are no longer in the history
  const objects = new Map<ResourceName, Map<string, KubeObject>>(Object.keys(RESOURCES).map((r) => [r as ResourceName, new Map()]))
  const history: Change[] = [] // from `head` on: the changes a watch may resume from
  let head = 0
  const watchers = new Set<Watcher>()
  const listeners = new Set<(c: Change) => void>()

  const keyOf = (ns: string, name: string) => `${ns}/${name}`
  /** The namespace an object's metadata names: its own, or none for a cluster-scoped resource (whose objects are kept under namespace ''). */
  const placed = (r: Resource, ns: string) => (r.namespaced ? { namespace: ns } : {})
  const notFound = (resource: ResourceName, name: string) => {
    const r = RESOURCES[resource]
    return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.plural })
  }
  const copy = (o: KubeObject): KubeObject => structuredClone(o)

  const record = (resource: ResourceName, type: Change['type'], object: KubeObject) => {
    const c: Change = { rv, resource, type, object }
    history.push(c)
    // The oldest change leaves the history by moving its head (a splice per change cost the whole history's length once it was full);
    // the dead part is dropped once it is as long as the history.
    if (history.length - head > limit) compactedTo = history[head++]!.rv
    if (head >= limit) history.splice(0, head), (head = 0)
    for (const w of watchers)
      if (w.resource === resource && (w.namespace === undefined || w.namespace === object.metadata.namespace) && w.select(object)) w.send({ type, object })
    for (const l of listeners) l(c)
  }

  const nameChars = 'bcdfghjklmnpqrstvwxz2456789'
  const generated = (prefix: string, taken: (n: string) => boolean): string => {
    for (;;) {
      let s = prefix
      for (let i = 0; i < 5; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)]
      if (!taken(s)) return s
    }
  }
  const validName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

  const store = {
    /** The newest resourceVersion. */
    version: (): string => String(rv),
    /** Creates an object (a name from `generateName` when none is given); 409 if the name is taken. */
    create: (resource: ResourceName, input: KubeObject): KubeObject => {
      const r: Resource = RESOURCES[resource]
      const ns = r.namespaced ? (input.metadata?.namespace ?? 'default') : '' // a cluster-scoped object has no namespace
      const byKey = objects.get(resource)!
      const meta = input.metadata ?? {}
      const name = meta.name ?? (meta.generateName ? generated(meta.generateName, (n) => byKey.has(keyOf(ns, n))) : undefined)
      if (!name)
        throw new ApiError(422, 'Invalid', `${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { group: r.group, kind: r.kind })
      if (!validName.test(name))
        throw new ApiError(422, 'Invalid', `${r.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, { name, group: r.group, kind: r.kind })
      if (byKey.has(keyOf(ns, name))) throw new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.plural })
      rv++
      const given = copy(input)
      const { namespace: _, ...meta0 } = given.metadata ?? {}
      const o: KubeObject = {
        ...given,
        apiVersion: apiVersionOf(r),
        kind: r.kind,
        metadata: { ...meta0, name, ...placed(r, ns), uid: randomUUID(), resourceVersion: String(rv), generation: 1, creationTimestamp: kubeTime() },
      }
      byKey.set(keyOf(ns, name), o)
      record(resource, 'ADDED', o)
      return copy(o)
    },
    get: (resource: ResourceName, ns: string, name: string): KubeObject => {
      const o = objects.get(resource)!.get(keyOf(ns, name))
      if (!o) throw notFound(resource, name)
      return copy(o)
    },
    /** Whether an object exists (no copy made). */
    has: (resource: ResourceName, ns: string, name: string): boolean => objects.get(resource)!.has(keyOf(ns, name)),
    list: (resource: ResourceName, ns: string | undefined, select: Selector): { items: KubeObject[]; resourceVersion: string } => ({
      items: [...objects.get(resource)!.values()].filter((o) => (ns === undefined || o.metadata.namespace === ns) && select(o)).map(copy),
      resourceVersion: String(rv),
    }),
    /**
     * Replaces an object with what `change` makes of a copy of it. When `expectRv` is given and is not the
     * object's resourceVersion, 409 Conflict (optimistic concurrency, as Kubernetes). No change, no new version.
     */
    update: (resource: ResourceName, ns: string, name: string, change: (o: KubeObject) => KubeObject, expectRv?: string): KubeObject => {
      const r = RESOURCES[resource]
      const byKey = objects.get(resource)!
      const old = byKey.get(keyOf(ns, name))
      if (!old) throw notFound(resource, name)
      const next = change(copy(old))
      if (expectRv !== undefined && expectRv !== '' && expectRv !== old.metadata.resourceVersion)
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: r.group, kind: r.plural })
      // What the caller may not change.
      const { namespace: _, ...given } = next.metadata ?? {}
      const meta = { ...given, name, ...placed(r, ns), uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp }
      const candidate = { ...next, apiVersion: old.apiVersion, kind: old.kind, metadata: { ...meta, resourceVersion: old.metadata.resourceVersion, generation: old.metadata.generation } }
      if (JSON.stringify(candidate) === JSON.stringify(old)) return copy(old)
      rv++
      const specChanged = JSON.stringify(next['spec']) !== JSON.stringify(old['spec'])
      const o: KubeObject = { ...candidate, metadata: { ...candidate.metadata, resourceVersion: String(rv), generation: (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) } }
      byKey.set(keyOf(ns, name), o)
      record(resource, 'MODIFIED', o)
      return copy(o)
    },
    /**
     * The controller's write of an object's `status` and some labels: no copy of the object, no comparison
     * with the old one (the caller writes only what changed), so a status of 2,000 nodes costs its watchers'
     * serialisation and nothing more. The caller must not change `status` afterwards (the store keeps it as
     * given: consecutive statuses share their unchanged nodes).
     */
    setStatus: (resource: ResourceName, ns: string, name: string, status: Record<string, unknown>, labels: Readonly<Record<string, string>>): void => {
      const byKey = objects.get(resource)!
      const old = byKey.get(keyOf(ns, name))
      if (!old) throw notFound(resource, name)
      rv++
      const o: KubeObject = { ...old, metadata: { ...old.metadata, labels: { ...old.metadata.labels, ...labels }, resourceVersion: String(rv) }, status }
      byKey.set(keyOf(ns, name), o)
      record(resource, 'MODIFIED', o)
    },
    delete: (resource: ResourceName, ns: string, name: string): KubeObject => {
      const byKey = objects.get(resource)!
      const old = byKey.get(keyOf(ns, name))
      if (!old) throw notFound(resource, name)
      byKey.delete(keyOf(ns, name))
      rv++
      const o = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } }
      record(resource, 'DELETED', o)
      return copy(o)
    },
    /**
     * Streams changes to `send`. From `since` (a resourceVersion): every later change in the history first;
     * without one (or "0"), the objects there are now, as ADDED. 410 Gone when `since` is older than the history.
     * Returns the function that stops the watch.
     */
    watch: (resource: ResourceName, ns: string | undefined, select: Selector, since: string | undefined, send: Watcher['send']): (() => void) => {
      const w: Watcher = { resource, namespace: ns, select, send }
      if (since === undefined || since === '' || since === '0') {
        for (const o of store.list(resource, ns, select).items) send({ type: 'ADDED', object: o })
      } else {
        const from = Number(since)
        if (!Number.isInteger(from) || from < 0) throw new ApiError(400, 'BadRequest', `invalid resourceVersion "${since}"`)
        if (from < compactedTo) throw new ApiError(410, 'Expired', `too old resource version: ${from} (${compactedTo + 1})`)
        // The history's objects are never changed in place (as the live changes, the stored objects are sent): no copy.
        for (let i = head; i < history.length; i++) {
          const c = history[i]!
          if (c.rv > from && c.resource === resource && (ns === undefined || c.object.metadata.namespace === ns) && select(c.object)) send({ type: c.type, object: c.object })
        }
      }
      watchers.add(w)
      return () => void watchers.delete(w)
    },
    /** Forgets the history up to now: a watch from an older version then gets 410 Gone (as after etcd's compaction). */
    compact: (): void => {
      compactedTo = rv
      history.length = 0
      head = 0
    },
    /** Calls `l` after every change (the controller's feed). Returns the function that stops it. */
    onChange: (l: (c: Change) => void): (() => void) => (listeners.add(l), () => void listeners.delete(l)),
  }
  return store
}

/** The local API server's object store. @example const s: ObjectStore = objectStore() */
export type ObjectStore = ReturnType<typeof objectStore>
