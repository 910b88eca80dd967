import type { KubeObject } from '../kube-object.ts'
import type { ResourceName } from './resources.ts'

/** How long ago, as kubectl prints an age: `45s`, `3m12s`, `2h5m`, `4d`. @example ageOf(new Date(Date.now() - 75_000).toISOString()) // '75s' */
export const ageOf = (time: unknown, now = Date.now()): string => {
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return '<unknown>'
  const s = Math.max(0, Math.floor((now - Date.parse(time)) / 1000))
  if (s < 120) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`
  if (m < 180) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  if (h < 48) return `${h}h`
  return `${Math.floor(h / 24)}d`
}

interface Column {
  readonly name: string
  readonly type: string
  readonly format: string
  readonly description: string
  readonly priority: number
  readonly cell: (o: KubeObject) => unknown
}

const at = (o: KubeObject, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o)

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name }
const ageColumn = (description: string, ...path: string[]): Column => ({ name: 'Age', type: 'date', format: '', description, priority: 0, cell: (o) => ageOf(at(o, ...path)) })

/** The printer columns of each resource: Argo's for workflows (its CRD's additionalPrinterColumns), name and age for (Cluster)WorkflowTemplates, kubectl's usual ones for pods and ConfigMaps. */
const COLUMNS: Readonly<Record<ResourceName, readonly Column[]>> = {
  workflows: [
    nameColumn,
    { name: 'Status', type: 'string', format: '', description: 'Status of the workflow', priority: 0, cell: (o) => at(o, 'status', 'phase') ?? '' },
    ageColumn('When the workflow was started', 'status', 'startedAt'),
    { name: 'Message', type: 'string', format: '', description: 'Human readable message indicating details about why the workflow is in this condition.', priority: 1, cell: (o) => at(o, 'status', 'message') ?? '' },
  ],
  workflowtemplates: [nameColumn, ageColumn('CreationTimestamp', 'metadata', 'creationTimestamp')],
  clusterworkflowtemplates: [nameColumn, ageColumn('CreationTimestamp', 'metadata', 'creationTimestamp')],
  pods: [
    nameColumn,
    { name: 'Ready', type: 'string', format: '', description: 'The number of containers ready', priority: 0, cell: (o) => (at(o, 'status', 'phase') === 'Running' ? '2/2' : '0/2') },
    { name: 'Status', type: 'string', format: '', description: 'The aggregate status of the containers in this pod.', priority: 0, cell: (o) => (at(o, 'status', 'phase') === 'Succeeded' ? 'Completed' : at(o, 'status', 'phase') === 'Failed' ? 'Error' : at(o, 'status', 'phase') ?? '') },
    { name: 'Restarts', type: 'string', format: '', description: 'The number of times the containers in this pod have been restarted.', priority: 0, cell: () => '0' },
    ageColumn('CreationTimestamp', 'metadata', 'creationTimestamp'),
  ],
  configmaps: [
    nameColumn,
    { name: 'Data', type: 'integer', format: '', description: 'Number of entries in data', priority: 0, cell: (o) => Object.keys((o['data'] as object | undefined) ?? {}).length },
    ageColumn('CreationTimestamp', 'metadata', 'creationTimestamp'),
  ],
}

/** Whether an Accept header asks for a Table (`application/json;as=Table;v=v1;g=meta.k8s.io`). @example wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json') // true */
export const wantsTable = (accept: string | undefined): boolean => /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '')

/**
 * The objects as a `meta.k8s.io/v1` Table, with the resource's printer columns (for workflows Argo's: Name,
 * Status, Age from `status.startedAt`, and Message at priority 1, shown by `-o wide`). Each row carries the
 * object's metadata (or the whole object for `includeObject=Object`).
 *
 * @example
 * ```ts
 * tableOf('workflows', [wf], '12').rows[0].cells // ['hello-x7k2p', 'Running', '3s', '']
 * ```
 */
export const tableOf = (resource: ResourceName, objects: readonly KubeObject[], resourceVersion: string, options: { readonly columns?: boolean; readonly includeObject?: string } = {}) => {
  const cols = COLUMNS[resource]
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: options.columns === false ? [] : cols.map(({ cell: _, ...c }) => c),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object:
        options.includeObject === 'Object'
          ? o
          : options.includeObject === 'None'
            ? null
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  }
}
