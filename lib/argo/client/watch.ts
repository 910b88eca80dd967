import { setTimeout as sleep } from 'node:timers/promises'
import type { KubeObject, WatchEvent } from '../kube-object.ts'
import type { ArgoApi } from './kube-api.ts'
import { KubeError } from './kube-error.ts'

/** A change of a workflow, as the watch delivers it. @example const e: WorkflowEvent = { type: 'MODIFIED', workflow } */
export interface WorkflowEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
  readonly workflow: KubeObject
}

/**
 * How a watch selects and how hard it tries.
 *
 * @example
 * ```ts
 * const o: WatchOptions = { name: 'hello-x7k2p', signal: AbortSignal.timeout(60_000) }
 * ```
 */
export interface WatchOptions {
  /** One workflow (a field selector on its name). */
  readonly name?: string
  readonly labelSelector?: string
  readonly signal?: AbortSignal
  /** Reconnections in a row that may fail before the watch gives up (default 5). */
  readonly retries?: number
  /** The first pause before reconnecting, doubled each failure in a row (default 200 ms). */
  readonly backoffMs?: number
}

/**
 * Streams workflow changes: first the workflows as they are (ADDED), then every change. A dropped connection
 * is reopened from the last resourceVersion seen (bookmarks move it on), so nothing is missed; an event
 * already delivered (the same object at the same version) is not delivered again; a 410 Gone (the server's
 * history no longer reaches that far back) lists again and delivers what changed meanwhile, including
 * DELETED for what went away. It ends when `signal` aborts; it throws a {@link KubeError} once `retries`
 * reconnections in a row have failed, or on an error that retrying cannot cure (401, 403, 404).
 *
 * @example
 * ```ts
 * for await (const e of watchWorkflows(api, { name: 'hello-x7k2p' })) console.log(e.type, e.workflow.status?.phase)
 * ```
 */
export async function* watchWorkflows(api: ArgoApi, o: WatchOptions = {}): AsyncGenerator<WorkflowEvent> {
  const fieldSelector = o.name ? `metadata.name=${o.name}` : undefined
  const retries = o.retries ?? 5
  const backoff = o.backoffMs ?? 200
  const delivered = new Map<string, string>() // uid → resourceVersion delivered
  const queue: WorkflowEvent[] = []

  const offer = (type: WorkflowEvent['type'], wf: KubeObject) => {
    const uid = wf.metadata.uid ?? wf.metadata.name!
    if (type !== 'DELETED' && delivered.get(uid) === wf.metadata.resourceVersion) return
    if (type === 'DELETED') delivered.delete(uid)
    else delivered.set(uid, wf.metadata.resourceVersion!)
    queue.push({ type, workflow: wf })
  }
  const relist = async (): Promise<string> => {
    const l = await api.list(o.labelSelector, fieldSelector)
    const now = new Set<string>()
    for (const wf of l.items) {
      const uid = wf.metadata.uid ?? wf.metadata.name!
      now.add(uid)
      offer(delivered.has(uid) ? 'MODIFIED' : 'ADDED', wf)
    }
    for (const [uid] of [...delivered]) if (!now.has(uid)) offer('DELETED', { metadata: { uid, name: uid } })
    return l.resourceVersion
  }

  let rv = await relist()
  let failures = 0
  while (!o.signal?.aborted) {
    while (queue.length) yield queue.shift()!
    let wake: () => void = () => {}
    let ended: { err: unknown } | undefined
    let gone = false
    let fatal: KubeError | undefined
    const onEvent = (e: WatchEvent) => {
      const obj = e.object as KubeObject & { code?: number; message?: string; reason?: string }
      if (e.type === 'BOOKMARK') rv = obj.metadata?.resourceVersion ?? rv
      else if (e.type === 'ERROR') {
        if (obj.code === 410) gone = true
        else fatal = new KubeError(`watch workflows in ${api.namespace}: ${obj.code} ${obj.reason}: ${obj.message}`, obj.code ?? 500, obj.reason ?? 'Unknown')
      } else {
        failures = 0
        rv = obj.metadata.resourceVersion ?? rv
        offer(e.type, obj)
      }
      wake()
    }
    const close = await api.watch({ resourceVersion: rv, fieldSelector, labelSelector: o.labelSelector }, onEvent, (err) => {
      ended = { err }
      wake()
    })
    const onAbort = () => wake()
    o.signal?.addEventListener('abort', onAbort)
    try {
      for (;;) {
        while (queue.length) yield queue.shift()!
        if (ended || gone || fatal || o.signal?.aborted) break
        await new Promise<void>((r) => (wake = r))
      }
    } finally {
      o.signal?.removeEventListener('abort', onAbort)
      close()
    }
    if (fatal) throw fatal
    if (o.signal?.aborted) return
    if (gone) {
      rv = await relist()
      continue
    }
    const err = (ended as { err: unknown } | undefined)?.err
    if (err) {
      const code = (err as KubeError).code
      if (code === 401 || code === 403 || code === 404) throw err
      if (code === 410) {
        rv = await relist()
        continue
      }
      if (++failures > retries) throw err
      await sleep(backoff * 2 ** (failures - 1), undefined, o.signal ? { signal: o.signal } : {}).catch(() => {})
      // After a failure, what was missed may be beyond the server's history: listing again covers it.
      rv = await relist().catch((e: unknown) => {
        if (failures >= retries) throw e
        return rv
      })
    }
  }
}
