import { apiVersionOf, RESOURCES, type Resource } from './resources.ts'

const resourceEntries = (r: Resource) => [
  {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: [...r.shortNames],
    ...(r.group === 'argoproj.io' ? { categories: ['all', 'argo'] } : {}),
  },
  ...(r.plural === 'pods' ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }] : []),
]

/**
 * The discovery documents of the local API server: `/api`, `/api/v1`, `/apis`, `/apis/argoproj.io`,
 * `/apis/argoproj.io/v1alpha1` and `/version` — what `kubectl` reads to map `workflows` (or `wf`) to its path.
 * Returns undefined for any other path.
 *
 * @example
 * ```ts
 * discovery('/apis/argoproj.io/v1alpha1')?.resources[0].name // 'workflows'
 * ```
 */
export const discovery = (path: string): any => {
  const all = Object.values(RESOURCES) as Resource[]
  const core = all.filter((r) => r.group === '')
  const argo = all.filter((r) => r.group === 'argoproj.io')
  const group = { name: 'argoproj.io', versions: [{ groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' }], preferredVersion: { groupVersion: 'argoproj.io/v1alpha1', version: 'v1alpha1' } }
  switch (path) {
    case '/version':
      return { major: '1', minor: '32', gitVersion: 'v1.32.0-dflow', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' }
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] }
    case '/api/v1':
      return { kind: 'APIResourceList', groupVersion: 'v1', resources: [...core.flatMap(resourceEntries), { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] }] }
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group] }
    case '/apis/argoproj.io':
      return { kind: 'APIGroup', apiVersion: 'v1', ...group }
    case `/apis/${apiVersionOf(RESOURCES.workflows)}`:
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'argoproj.io/v1alpha1', resources: argo.flatMap(resourceEntries) }
    default:
      return undefined
  }
}
