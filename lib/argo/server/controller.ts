import type { KubeObject } from '../kube-object.ts'
import { kubeTime } from '../kube-time.ts'
import { ApiError } from './api-error.ts'
import { displayNameOf, nodeId, podName } from '../node-names.ts'
import type { ObjectStore } from './object-store.ts'
import type { NodeReport, Runner, RunOutcome, Shutdown } from './runner.ts'

const FULFILLED = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'])
const DONE = new Set(['Succeeded', 'Failed', 'Error'])
const LABEL_COMPLETED = 'workflows.argoproj.io/completed'
const LABEL_PHASE = 'workflows.argoproj.io/phase'
const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow'

type Node = Record<string, unknown> & { id: string; name: string; phase?: string; type?: string; children?: string[] }

/** A pod's log: its text so far, who follows it, whether it is complete. @example const l: PodLog = { text: 'hi\n', done: true, followers: new Set() } */
export interface PodLog {
  text: string
  done: boolean
  readonly followers: Set<(chunk: string | null) => void>
}

interface Active {
  readonly ns: string
  readonly name: string
  readonly uid: string
  readonly abort: AbortController
  readonly nodes: Map<string, Node>
  readonly pods: Map<string, string> // node id → pod name
  /** The nodes made since the last status write: no status holds them (nor their children lists) yet, so a new child is added to them in place. */
  readonly fresh: Set<string>
  /** Each parent's children, for a look-up per report. */
  readonly children: Map<string, Set<string>>
  spec: Record<string, unknown>
  shutdown: Shutdown | undefined
  dirty: boolean
  finished: boolean
  readonly waiters: Set<() => void>
  readonly startedAt: string
}

/**
 * The local API server's controller: runs each workflow it is given (through the {@link Runner}), turns
 * the runner's node reports into Argo's `status` (node ids, children, boundaries, pods, progress), and writes
 * that status back at most once per tick, however many nodes changed in between — a 1,000-node fan-out
 * costs a write per tick, not one per node change. It honours `spec.suspend` and `spec.shutdown` and stops a
 * run whose workflow is deleted. A workflow is run when it is created, and again when a retry (the client's,
 * as the argo CLI's) puts it back to Running with `workflows.argoproj.io/completed: "false"`.
 *
 * @example
 * ```ts
 * const c = controller(objectStore(), runner, { tickMs: 100 })
 * // … c.logOf('argo', 'hello-x7k2p-hello-1335831723')?.text
 * c.close()
 * ```
 */
export const controller = (store: ObjectStore, runner: Runner, options: { readonly tickMs?: number } = {}) => {
  const active = new Map<string, Active>() // by uid
  const logs = new Map<string, PodLog>() // by ns/pod
  const writes = { workflow: 0 }

  const statusOf = (a: Active, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const pods = [...a.nodes.values()].filter((n) => n.type === 'Pod')
    const nodes = Object.fromEntries(a.nodes)
    return {
      phase: 'Running',
      startedAt: a.startedAt,
      progress: `${pods.filter((n) => FULFILLED.has(n.phase ?? '')).length}/${pods.length}`,
      ...(a.nodes.size ? { nodes } : {}),
      ...extra,
    }
  }

  const write = (a: Active, status: Record<string, unknown>, phase: string, completed: boolean) => {
    try {
      store.setStatus('workflows', a.ns, a.name, status, { [LABEL_PHASE]: phase, [LABEL_COMPLETED]: String(completed) })
      writes.workflow++
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e
    }
    a.dirty = false
    a.fresh.clear() // the status written holds them now: they are not changed again
  }

  const flush = () => {
    for (const a of active.values()) if (a.dirty && !a.finished) write(a, statusOf(a), 'Running', false)
  }
  // A tick writes every run's status that changed; the next one comes a tick later, or, when the writes (and
  // their watchers' serialisation of the whole status) took longer than a tenth of that, nine times their
  // cost later: a big status is written less often, so its writes stay a tenth of the time at any size.
  const tickMs = options.tickMs ?? 100
  let timer: NodeJS.Timeout
  const tick = () => {
    const t0 = performance.now()
    flush()
    timer = setTimeout(tick, Math.max(tickMs, 9 * (performance.now() - t0)))
    timer.unref()
  }
  timer = setTimeout(tick, tickMs)
  timer.unref()

  const logOf = (ns: string, pod: string): PodLog => {
    const k = `${ns}/${pod}`
    let l = logs.get(k)
    if (!l) logs.set(k, (l = { text: '', done: false, followers: new Set() }))
    return l
  }
  const endLog = (ns: string, pod: string) => {
    const l = logOf(ns, pod)
    if (l.done) return
    l.done = true
    for (const f of l.followers) f(null)
    l.followers.clear()
  }

  const podPhase = (p: string | undefined) => (p === 'Succeeded' ? 'Succeeded' : p === 'Failed' || p === 'Error' ? 'Failed' : p === 'Running' ? 'Running' : 'Pending')

  const syncPod = (a: Active, n: Node, image: string | undefined) => {
    const name = a.pods.get(n.id) ?? podName(a.name, n.name, String(n['templateName'] ?? ''))
    const phase = podPhase(n.phase)
    const completed = FULFILLED.has(n.phase ?? '')
    let created = false
    if (!a.pods.has(n.id)) {
      a.pods.set(n.id, name)
      logs.set(`${a.ns}/${name}`, { text: '', done: false, followers: new Set() }) // a retry's new pod starts a new log
      try {
        store.create('pods', {
          metadata: {
            name,
            namespace: a.ns,
            labels: { [LABEL_WORKFLOW]: a.name, [LABEL_COMPLETED]: String(completed) },
            annotations: { 'workflows.argoproj.io/node-name': n.name, 'workflows.argoproj.io/node-id': n.id, 'kubectl.kubernetes.io/default-container': 'main' },
            ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: a.name, uid: a.uid }],
          },
          spec: { containers: [{ name: 'wait', image: 'argoexec' }, { name: 'main', image: image ?? 'local' }], restartPolicy: 'Never', nodeName: 'localhost' },
          status: { phase, ...(n['startedAt'] ? { startTime: n['startedAt'] } : {}) },
        })
        created = true
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 409)) throw e // 409: the pod of an earlier run is still there: updated below
      }
    }
    if (!created)
      try {
        store.update('pods', a.ns, name, (o) => ({
          ...o,
          metadata: { ...o.metadata, labels: { ...o.metadata.labels, [LABEL_COMPLETED]: String(completed) } },
          status: { ...(o['status'] as object), phase },
        }))
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e
      }
    if (completed) endLog(a.ns, name)
  }

  const report = (a: Active, r: NodeReport) => {
    if (a.finished) return
    const id = nodeId(a.name, r.name)
    const old = a.nodes.get(id)
    const { parent, boundary, image, ...fields } = r
    const n: Node = { ...(old ?? { id, name: r.name, displayName: displayNameOf(r.name) }), ...fields, id } as Node
    if (old?.children && !a.fresh.has(id)) n.children = [...old.children] // a written status holds the old list: children are added to a copy
    if (n['type'] === undefined) throw new Error(`node ${r.name}: its first report must say its type`)
    if (n.type === 'Pod' && n.phase !== undefined) n['progress'] = FULFILLED.has(n.phase) ? '1/1' : '0/1'
    if (boundary !== undefined) n['boundaryID'] = nodeId(a.name, boundary)
    if (n.phase === 'Running' && !n['startedAt']) n['startedAt'] = kubeTime()
    if (n.phase && FULFILLED.has(n.phase) && !n['finishedAt']) n['finishedAt'] = kubeTime()
    if (n.phase && FULFILLED.has(n.phase) && !n['startedAt']) n['startedAt'] = n['finishedAt']
    a.nodes.set(id, n)
    a.fresh.add(id)
    for (const parentName of parent === undefined ? [] : typeof parent === 'string' ? [parent] : parent) {
      const pid = nodeId(a.name, parentName)
      const p = a.nodes.get(pid)
      if (!p) throw new Error(`node ${r.name}: its parent ${parentName} was not reported first`)
      let known = a.children.get(pid)
      if (!known) a.children.set(pid, (known = new Set(p.children)))
      if (known.has(id)) continue
      known.add(id)
      // A node a written status holds is copied once per tick; after that (and for a node made since) a child is added in place,
      // so a 1,000-item fan-out's group costs a copy of its children per tick, not one per item.
      const own = a.fresh.has(pid) ? p : { ...p, children: [...(p.children ?? [])] }
      ;(own.children ??= []).push(id)
      a.nodes.set(pid, own)
      a.fresh.add(pid)
    }
    if (n.type === 'Pod' && (old?.phase !== n.phase || !a.pods.has(id))) syncPod(a, n, image)
    a.dirty = true
  }

  const finish = (a: Active, outcome: RunOutcome) => {
    if (a.finished) return
    const now = kubeTime()
    const why = a.shutdown && a.shutdown !== 'Deleted' ? `workflow shutdown with strategy:  ${a.shutdown}` : outcome.message
    for (const n of a.nodes.values())
      if (!FULFILLED.has(n.phase ?? '')) {
        const closed: Node = { ...n, phase: a.shutdown ? 'Failed' : outcome.phase === 'Succeeded' ? 'Failed' : outcome.phase, finishedAt: now, ...(why ? { message: why } : {}) }
        if (n.type === 'Pod') closed['progress'] = '1/1'
        a.nodes.set(n.id, closed)
        if (n.type === 'Pod') syncPod(a, closed, undefined)
      }
    a.finished = true
    active.delete(a.uid)
    for (const w of a.waiters) w()
    if (a.shutdown === 'Deleted') return
    const phase = a.shutdown ? 'Failed' : outcome.phase
    const message = a.shutdown ? `Stopped with strategy '${a.shutdown}'` : outcome.message
    write(
      a,
      statusOf(a, {
        phase,
        finishedAt: now,
        ...(message ? { message } : {}),
        ...(outcome.outputs ? { outputs: outcome.outputs } : {}),
        conditions: [
          { type: 'PodRunning', status: 'False' },
          { type: 'Completed', status: 'True' },
        ],
      }),
      phase,
      true,
    )
  }

  const shutdownOf = (spec: Record<string, unknown>): Shutdown | undefined => (spec['shutdown'] === 'Stop' || spec['shutdown'] === 'Terminate' ? spec['shutdown'] : undefined)

  const start = (wf: KubeObject) => {
    const spec = (wf['spec'] ?? {}) as Record<string, unknown>
    const kept = ((wf['status'] as { nodes?: Record<string, Node> } | undefined)?.nodes ?? {}) as Record<string, Node>
    const a: Active = {
      ns: wf.metadata.namespace!,
      name: wf.metadata.name!,
      uid: wf.metadata.uid!,
      abort: new AbortController(),
      nodes: new Map(Object.entries(kept)),
      pods: new Map(),
      fresh: new Set(),
      children: new Map(),
      spec,
      shutdown: undefined,
      dirty: false,
      finished: false,
      waiters: new Set(),
      startedAt: String((wf['status'] as { startedAt?: string } | undefined)?.startedAt ?? kubeTime()),
    }
    active.set(a.uid, a)
    write(a, statusOf(a), 'Running', false)
    const control = {
      signal: a.abort.signal,
      shutdown: () => a.shutdown,
      suspended: () => a.spec['suspend'] === true,
      proceed: () =>
        a.spec['suspend'] !== true || a.abort.signal.aborted || a.finished
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const go = () => (a.waiters.delete(go), resolve())
              a.waiters.add(go)
            }),
      node: (r: NodeReport) => report(a, r),
      log: (nodeName: string, text: string) => {
        const pod = a.pods.get(nodeId(a.name, nodeName))
        if (!pod) throw new Error(`log for node ${nodeName}: no Pod node of that name was reported`)
        const l = logOf(a.ns, pod)
        l.text += text
        for (const f of l.followers) f(text)
      },
      configMaps: () => store.list('configmaps', a.ns, () => true).items,
      workflowTemplates: () => store.list('workflowtemplates', a.ns, () => true).items,
      clusterWorkflowTemplates: () => store.list('clusterworkflowtemplates', undefined, () => true).items,
      putConfigMap: (cm: KubeObject) => {
        const name = cm.metadata.name!
        const body = { ...cm, apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: a.ns, ...(cm.metadata.labels ? { labels: cm.metadata.labels } : {}) } }
        if (!store.has('configmaps', a.ns, name)) store.create('configmaps', body)
        else store.update('configmaps', a.ns, name, (o) => ({ ...o, ...body, metadata: { ...o.metadata, ...body.metadata } }))
      },
    }
    const spent = shutdownOf(spec)
    if (spent) (a.shutdown = spent), a.abort.abort(spent)
    void Promise.resolve()
      .then(() => runner(wf, control))
      .then(
        (o) => finish(a, o),
        (e: unknown) => finish(a, { phase: 'Error', message: e instanceof Error ? e.message : String(e) }),
      )
  }

  const changed = (wf: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED') => {
    const a = active.get(wf.metadata.uid!)
    if (type === 'DELETED') {
      if (a) (a.shutdown = 'Deleted'), a.abort.abort('Deleted'), finish(a, { phase: 'Failed', message: 'deleted' })
      for (const p of store.list('pods', wf.metadata.namespace, (o) => o.metadata.labels?.[LABEL_WORKFLOW] === wf.metadata.name).items) {
        store.delete('pods', wf.metadata.namespace!, p.metadata.name!)
        endLog(wf.metadata.namespace!, p.metadata.name!)
        logs.delete(`${wf.metadata.namespace}/${p.metadata.name}`)
      }
      return
    }
    if (a) {
      a.spec = (wf['spec'] ?? {}) as Record<string, unknown>
      if (a.spec['suspend'] !== true) for (const w of [...a.waiters]) w()
      const s = shutdownOf(a.spec)
      if (s && !a.shutdown) (a.shutdown = s), a.abort.abort(s), [...a.waiters].forEach((w) => w())
      return
    }
    const phase = (wf['status'] as { phase?: string } | undefined)?.phase
    if (wf.metadata.labels?.[LABEL_COMPLETED] !== 'true' && !DONE.has(phase ?? '')) start(wf)
  }
  const stop = store.onChange((c) => {
    if (c.resource === 'workflows') changed(c.object, c.type)
  })

  return {
    /** The log of a pod (created empty for a pod that has none yet). */
    logOf,
    /** Whether a pod's log is known (its pod was started by a run). */
    hasLog: (ns: string, pod: string) => logs.has(`${ns}/${pod}`),
    /** How many times a workflow's status was written (a run's start, its ticks, its end). */
    writes: () => writes.workflow,
    /** Writes every pending status now. */
    flush,
    /** Stops the ticks and every run (as if deleted), and forgets the logs. */
    close: () => {
      clearTimeout(timer)
      stop()
      for (const a of [...active.values()]) (a.shutdown = 'Deleted'), a.abort.abort('Deleted'), finish(a, { phase: 'Failed' })
      for (const l of logs.values()) (l.done = true), l.followers.forEach((f) => f(null))
    },
  }
}

/** A controller of the local API server. @example const c: Controller = controller(store, runner) */
export type Controller = ReturnType<typeof controller>
