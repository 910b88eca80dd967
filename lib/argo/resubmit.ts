import type { NodeStatus } from './client/run-view.ts'
import type { ArgoWorkflow } from './manifest.ts'
import { nodeId } from './node-names.ts'

/** What {@link resubmitManifest} reads of the earlier workflow: its name, phase and nodes. @example { metadata: { name: 'steps-x7k2p' }, status: { phase: 'Failed', nodes } } */
export interface EarlierWorkflow {
  readonly metadata: { readonly name?: string }
  readonly status?: { readonly phase?: string; readonly nodes?: Readonly<Record<string, NodeStatus>> }
}

/** A resubmitted workflow: the compiled manifest named, labelled and carrying the kept nodes. @example resubmitManifest(m, earlier, 'steps-2').status.nodes */
export type Resubmitted = ArgoWorkflow & { readonly status: { readonly nodes: Readonly<Record<string, NodeStatus>> } }

/** The label Argo sets on a resubmitted workflow, naming the one it came from. @example RESUBMITTED_FROM // 'workflows.argoproj.io/resubmitted-from-workflow' */
export const RESUBMITTED_FROM = 'workflows.argoproj.io/resubmitted-from-workflow'

/**
 * The compile side of a resubmission that reuses the Succeeded steps of an earlier workflow (what
 * `argo resubmit --memoized` forms): the compiled manifest, named `name` (a fixed name: node ids derive from
 * it), labelled with the workflow it came from, with `status.nodes` holding the earlier workflow's Succeeded and
 * Skipped nodes renamed into the new workflow (`OLD…` → `NAME…`, ids recomputed, children and boundaries
 * mapped) — the controller finds them done and runs only the rest. Exit-handler nodes are never kept, nor nodes
 * of templates the new manifest does not define (a changed workflow runs those again). Pure: no cluster.
 * Throws unless the earlier workflow is Failed or Error, as Argo does.
 *
 * @example
 * ```ts
 * const next = resubmitManifest(compile(wf, { generateName: false }), failedWf, 'steps-resubmit-1')
 * await api.create(next) // hello0 and hello1 are not run again
 * ```
 */
export const resubmitManifest = (compiled: ArgoWorkflow, earlier: EarlierWorkflow, name: string): Resubmitted => {
  const old = earlier.metadata.name ?? ''
  const phase = earlier.status?.phase
  if (phase !== 'Failed' && phase !== 'Error') throw new Error(`workflow ${old} is ${phase || 'Pending'}: only a Failed or Error workflow can be resubmitted reusing its steps`)
  const nodes = earlier.status?.nodes ?? {}
  const templates = new Set(compiled.spec.templates.map((t) => t.name))
  const rename = (n: string) => (n.startsWith(old) ? `${name}${n.slice(old.length)}` : n)
  const idOf = (id: string) => {
    const n = nodes[id]
    return n ? nodeId(name, rename(n.name)) : id
  }
  const kept: Record<string, NodeStatus> = {}
  for (const n of Object.values(nodes)) {
    if (n.phase !== 'Succeeded' && n.phase !== 'Skipped') continue
    if (n.name.startsWith(`${old}.onExit`)) continue
    if (n.templateName !== undefined && !templates.has(n.templateName)) continue
    const renamed = rename(n.name)
    const id = nodeId(name, renamed)
    kept[id] = {
      ...n,
      id,
      name: renamed,
      ...(n.boundaryID !== undefined ? { boundaryID: idOf(n.boundaryID) } : {}),
      ...(n.children ? { children: n.children.map(idOf) } : {}),
    }
  }
  const { generateName: _g, ...metadata } = compiled.metadata
  return {
    ...compiled,
    metadata: { ...metadata, name, labels: { ...(compiled.metadata.labels ?? {}), [RESUBMITTED_FROM]: old } },
    status: { nodes: kept },
  }
}
