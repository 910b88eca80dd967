/**
 * The resources the local API server serves: Argo's workflows and WorkflowTemplates (what a workflow's
 * `workflowTemplateRef` and `templateRef` name) and the core pods and ConfigMaps (pods carry a run's logs;
 * ConfigMaps are where Argo's memoization keeps its cache).
 *
 * @example
 * ```ts
 * RESOURCES.workflows.kind // 'Workflow'
 * ```
 */
export interface Resource {
  readonly plural: string
  readonly singular: string
  readonly kind: string
  readonly group: string
  readonly version: string
  readonly shortNames: readonly string[]
  readonly namespaced: boolean
}

/** The group/version path of a resource: `argoproj.io/v1alpha1`, or `v1` for the core group. @example apiVersionOf(RESOURCES.pods) // 'v1' */
export const apiVersionOf = (r: Resource): string => (r.group ? `${r.group}/${r.version}` : r.version)

/** Every resource served, by plural name. @example RESOURCES.configmaps.kind // 'ConfigMap' */
export const RESOURCES = {
  workflows: { plural: 'workflows', singular: 'workflow', kind: 'Workflow', group: 'argoproj.io', version: 'v1alpha1', shortNames: ['wf'], namespaced: true },
  workflowtemplates: { plural: 'workflowtemplates', singular: 'workflowtemplate', kind: 'WorkflowTemplate', group: 'argoproj.io', version: 'v1alpha1', shortNames: ['wftmpl'], namespaced: true },
  clusterworkflowtemplates: { plural: 'clusterworkflowtemplates', singular: 'clusterworkflowtemplate', kind: 'ClusterWorkflowTemplate', group: 'argoproj.io', version: 'v1alpha1', shortNames: ['clusterwftmpl', 'cwft'], namespaced: false },
  pods: { plural: 'pods', singular: 'pod', kind: 'Pod', group: '', version: 'v1', shortNames: ['po'], namespaced: true },
  configmaps: { plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', group: '', version: 'v1', shortNames: ['cm'], namespaced: true },
} as const satisfies Record<string, Resource>

/** A served resource's plural name. @example const r: ResourceName = 'workflows' */
export type ResourceName = keyof typeof RESOURCES

/** The name as `kubectl` and the API server print it in errors: `workflows.argoproj.io`, `pods`. @example qualified(RESOURCES.workflows) // 'workflows.argoproj.io' */
export const qualified = (r: Resource): string => (r.group ? `${r.plural}.${r.group}` : r.plural)
