import type { KubeObject } from '../kube-object.ts'
import { kubeTime } from '../kube-time.ts'
import type { NodeStatus } from './run-view.ts'

const GROUPS = new Set(['DAG', 'TaskGroup', 'StepGroup', 'Steps', 'Retry'])

/**
 * The retry of a failed workflow, formed on the client as Argo's CLI does in kube mode: the Succeeded and
 * Skipped nodes are kept (the controller reuses them), failed groups (steps, step groups, dags) go back to
 * Running, failed pods and exit-handler nodes are forgotten (their pods are to be deleted), and the workflow
 * is Running again with `workflows.argoproj.io/completed: "false"` and no `spec.shutdown`. With `from` (a node
 * name or id, or a predicate), that node and everything after it run again even if they succeeded.
 * Returns the workflow to write back (PUT) and the pods to delete; throws if the workflow is not Failed or
 * Error, or still has a node running.
 *
 * @example
 * ```ts
 * const { workflow, podsToDelete } = formulateRetry(failedWf)
 * workflow.status.phase // 'Running'
 * ```
 */
export const formulateRetry = (wf: KubeObject, o: { readonly from?: (n: NodeStatus) => boolean; readonly podName: (n: NodeStatus) => string | undefined } ): { readonly workflow: KubeObject; readonly podsToDelete: readonly string[] } => {
  const name = wf.metadata.name!
  const status = (wf['status'] ?? {}) as { phase?: string; nodes?: Record<string, NodeStatus> }
  if (status.phase !== 'Failed' && status.phase !== 'Error') throw new Error(`workflow ${name} is ${status.phase || 'Pending'}: only a Failed or Error workflow can be retried`)
  const nodes = status.nodes ?? {}
  // What runs again from `from`: the node and every node reachable through children.
  const again = new Set<string>()
  const visit = (id: string) => {
    if (again.has(id)) return
    again.add(id)
    for (const c of nodes[id]?.children ?? []) visit(c)
  }
  if (o.from) for (const n of Object.values(nodes)) if (o.from(n)) visit(n.id)
  const now = kubeTime()
  const kept: Record<string, NodeStatus> = {}
  const podsToDelete: string[] = []
  for (const n of Object.values(nodes)) {
    const onExit = n.name.startsWith(`${name}.onExit`)
    const succeeded = n.phase === 'Succeeded' || n.phase === 'Skipped'
    if (succeeded && !onExit && !again.has(n.id)) {
      kept[n.id] = n
      continue
    }
    if (n.phase === 'Running' || n.phase === 'Pending') throw new Error(`workflow ${name} cannot be retried with node ${n.name} in ${n.phase} phase`)
    if (!onExit && GROUPS.has(n.type)) {
      const { finishedAt: _f, message: _m, ...rest } = n as NodeStatus & Record<string, unknown>
      kept[n.id] = { ...rest, phase: 'Running', startedAt: now } as NodeStatus
      continue
    }
    const pod = o.podName(n)
    if (pod) podsToDelete.push(pod)
  }
  const { finishedAt: _f, message: _m, conditions: _c, outputs: _o, ...rest } = status as Record<string, unknown>
  const { shutdown: _s, ...spec } = (wf['spec'] ?? {}) as Record<string, unknown>
  return {
    workflow: {
      ...wf,
      metadata: { ...wf.metadata, labels: { ...wf.metadata.labels, 'workflows.argoproj.io/completed': 'false', 'workflows.argoproj.io/phase': 'Running' } },
      spec,
      status: { ...rest, phase: 'Running', startedAt: now, nodes: kept },
    },
    podsToDelete,
  }
}
