import type { KubeObject } from '../kube-object.ts'

/** A node's phase, as Argo's NodeStatus. @example const p: NodePhase = 'Succeeded' */
export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted'

/** A node's type, as Argo's NodeStatus. @example const t: NodeType = 'Pod' */
export type NodeType = 'Pod' | 'Container' | 'Steps' | 'StepGroup' | 'DAG' | 'TaskGroup' | 'Retry' | 'Skipped' | 'Suspend' | 'HTTP' | 'Plugin'

/** Parameters and artifacts of a node, in Argo's shape (`{ parameters: [{ name, value }] }`). @example const io: NodeIo = { parameters: [{ name: 'msg', value: '4' }] } */
export interface NodeIo {
  readonly parameters?: readonly { readonly name: string; readonly value?: string }[]
  readonly artifacts?: readonly Readonly<Record<string, unknown>>[]
  readonly result?: string
  readonly exitCode?: string
}

/**
 * What a runner says about one node. The node is named the way Argo's controller names it (see
 * node-names.ts: `wf[0].hello`, `wf.A`, `wf[0].print(1:b)`); the server makes its id, its `children` (from
 * `parent`), its `boundaryID` (from `boundary`), its pod (for a `Pod` node: named as Argo's pods, holding the
 * logs the runner sends) and the workflow's progress. Reports of a node merge: a later report needs to carry
 * only what changed (`{ name, phase: 'Succeeded', outputs }`), though its first report must carry `type`.
 *
 * @example
 * ```ts
 * control.node({ name: 'hello-x7k2p[0].hello0', type: 'Pod', templateName: 'hello', parent: 'hello-x7k2p[0]', boundary: 'hello-x7k2p', phase: 'Running' })
 * ```
 */
export interface NodeReport {
  readonly name: string
  readonly type?: NodeType
  readonly phase?: NodePhase
  readonly displayName?: string
  readonly templateName?: string
  /**
   * The node(s) whose `children` list this one: a step group for its steps, each step of a group for the next
   * group (Argo chains groups through the previous group's nodes), a dag for its tasks, a retry node for its attempts.
   */
  readonly parent?: string | readonly string[]
  /** The node of the template invocation this node belongs to (Argo's boundaryID). */
  readonly boundary?: string
  readonly message?: string
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly inputs?: NodeIo
  readonly outputs?: NodeIo
  /** The image of a Pod node's main container (shown on its pod). */
  readonly image?: string
}

/** Why a run is being stopped. @example const s: Shutdown = 'Terminate' */
export type Shutdown = 'Stop' | 'Terminate' | 'Deleted'

/**
 * What the server gives a runner for one run: where to report, and what the user asked of the run since.
 *
 * @example
 * ```ts
 * await control.proceed()               // waits while spec.suspend is true
 * if (control.signal.aborted) return { phase: 'Failed', message: `Stopped with strategy '${control.shutdown()}'` }
 * ```
 */
export interface RunControl {
  /** Aborted when the workflow is deleted or `spec.shutdown` is set; its reason is the {@link Shutdown}. */
  readonly signal: AbortSignal
  /** `Stop` (let exit handlers run), `Terminate` (stop everything now), `Deleted`, or undefined while neither. */
  readonly shutdown: () => Shutdown | undefined
  /** Resolves at once unless `spec.suspend` is true, else when it is cleared (or the run is stopped): start no new node before it resolves. */
  readonly proceed: () => Promise<void>
  /** Whether `spec.suspend` is true now. */
  readonly suspended: () => boolean
  /** Reports a node (see {@link NodeReport}); the server batches reports into one status write per tick. */
  readonly node: (n: NodeReport) => void
  /** Appends to the log of a Pod node (by node name): what `kubectl logs POD` and the client's `logs(step)` read. */
  readonly log: (nodeName: string, text: string) => void
  /** The ConfigMaps of the workflow's namespace (what `configMapKeyRef` reads, and memoization's caches). */
  readonly configMaps: () => readonly KubeObject[]
  /** The WorkflowTemplates of the workflow's namespace (what its `workflowTemplateRef` and `templateRef` name). */
  readonly workflowTemplates: () => readonly KubeObject[]
  /** The ClusterWorkflowTemplates (cluster-scoped: what a `templateRef` with `clusterScope: true` or a cluster `workflowTemplateRef` names). */
  readonly clusterWorkflowTemplates: () => readonly KubeObject[]
  /** Creates or replaces a ConfigMap in the workflow's namespace (a memoization cache the run wrote). */
  readonly putConfigMap: (cm: KubeObject) => void
}

/** How a run ended. @example const o: RunOutcome = { phase: 'Succeeded' } */
export interface RunOutcome {
  readonly phase: 'Succeeded' | 'Failed' | 'Error'
  readonly message?: string
  /** The workflow's outputs (Argo's `status.outputs`), if any. */
  readonly outputs?: NodeIo
}

/**
 * The seam between the local API server and whatever runs a workflow. The server calls it once per run with
 * the Workflow object as received (`metadata`, `spec`, and for a retry the `status.nodes` kept from the last
 * run: a runner reuses the Succeeded ones) and a {@link RunControl}; the runner reports nodes and logs as they
 * change and resolves with the outcome. Cancellation: `control.signal` (delete, `spec.shutdown`). Suspension:
 * `control.proceed()`. The real runner (Argo YAML → the importer → the engine) is given by the `dflow server`
 * command; tests give stand-ins.
 *
 * @example
 * ```ts
 * const runner: Runner = async (wf, control) => {
 *   const name = wf.metadata.name!
 *   control.node({ name, type: 'Pod', templateName: String((wf.spec as any).entrypoint), phase: 'Running' })
 *   control.log(name, 'hello\n')
 *   control.node({ name, phase: 'Succeeded' })
 *   return { phase: 'Succeeded' }
 * }
 * ```
 */
export type Runner = (workflow: KubeObject, control: RunControl) => Promise<RunOutcome>
