/**
 * The few Kubernetes shapes the Argo client and the local API server share: an object with metadata and a
 * watch event. Plain JSON data; field names are Kubernetes'.
 *
 * @example
 * ```ts
 * const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cache', namespace: 'argo' } }
 * ```
 */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  [field: string]: unknown
}

/** An object's metadata (the fields the server reads or sets). @example const m: ObjectMeta = { name: 'hello-x7k2p', namespace: 'argo' } */
export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[]
  [field: string]: unknown
}

/** A watch event as sent on the wire (one JSON document per line). @example const e: WatchEvent = { type: 'ADDED', object: wf } */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  readonly object: unknown
}

