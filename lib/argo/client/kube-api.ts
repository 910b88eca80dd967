import type { KubeConfig } from '@kubernetes/client-node'
import type { KubeObject, WatchEvent } from '../kube-object.ts'
import { kubeError } from './kube-error.ts'

/**
 * The narrow slice of the Kubernetes API the Argo client uses, on the workflows of one namespace and their
 * pods. Every method throws a {@link KubeError} that says what failed.
 *
 * @example
 * ```ts
 * const api: ArgoApi = await kubeApi(kc, 'argo')
 * const wf = await api.create(manifest)
 * ```
 */
export interface ArgoApi {
  readonly namespace: string
  /** The API server's address (for messages). */
  readonly server: string
  readonly create: (wf: KubeObject) => Promise<KubeObject>
  readonly get: (name: string) => Promise<KubeObject>
  readonly list: (labelSelector?: string, fieldSelector?: string) => Promise<{ readonly items: readonly KubeObject[]; readonly resourceVersion: string }>
  /** A merge patch (`application/merge-patch+json`), as Argo's CLI patches `spec.shutdown` and `spec.suspend`. */
  readonly patch: (name: string, patch: object) => Promise<KubeObject>
  /** A full update (PUT), failing with 409 if the object changed since `wf.metadata.resourceVersion`. */
  readonly replace: (wf: KubeObject) => Promise<KubeObject>
  readonly delete: (name: string) => Promise<void>
  readonly podLog: (pod: string, options?: { readonly container?: string }) => Promise<string>
  /** A ConfigMap of the namespace (where the artifact repositories are configured), or undefined when there is none. */
  readonly configMap: (name: string) => Promise<KubeObject | undefined>
  /** Deletes a pod; one that is gone already is no error. */
  readonly deletePod: (pod: string) => Promise<void>
  /**
   * One watch connection from `resourceVersion`; `done` is called once when it ends (with the error, if one
   * ended it). Returns the function that closes it.
   */
  readonly watch: (query: { readonly resourceVersion?: string; readonly fieldSelector?: string; readonly labelSelector?: string }, on: (e: WatchEvent) => void, done: (err: unknown) => void) => Promise<() => void>
}

const GROUP = 'argoproj.io'
const VERSION = 'v1alpha1'
const PLURAL = 'workflows'

/**
 * The {@link ArgoApi} over `@kubernetes/client-node` 1.x (CustomObjectsApi, CoreV1Api, Watch).
 *
 * @example
 * ```ts
 * const api = await kubeApi(kc, 'argo')
 * ```
 */
export const kubeApi = async (kc: KubeConfig, namespace: string): Promise<ArgoApi> => {
  const k8s = await import('@kubernetes/client-node')
  const objects = kc.makeApiClient(k8s.CustomObjectsApi)
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const server = kc.getCurrentCluster()?.server ?? '?'
  const at = { group: GROUP, version: VERSION, namespace, plural: PLURAL }
  const call = async <A>(doing: string, f: () => Promise<A>): Promise<A> => {
    try {
      return await f()
    } catch (e) {
      throw kubeError(e, doing, server)
    }
  }
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  return {
    namespace,
    server,
    create: (wf) => call(`create workflow ${wf.metadata.name ?? `${wf.metadata.generateName ?? ''}…`} in ${namespace}`, () => objects.createNamespacedCustomObject({ ...at, body: wf }) as Promise<KubeObject>),
    get: (name) => call(`get workflow ${name} in ${namespace}`, () => objects.getNamespacedCustomObject({ ...at, name }) as Promise<KubeObject>),
    list: (labelSelector, fieldSelector) =>
      call(`list workflows in ${namespace}`, async () => {
        const l = (await objects.listNamespacedCustomObject({ ...at, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })) as { items: KubeObject[]; metadata?: { resourceVersion?: string } }
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' }
      }),
    patch: (name, body) => call(`patch workflow ${name} in ${namespace}`, () => objects.patchNamespacedCustomObject({ ...at, name, body }, merge) as Promise<KubeObject>),
    replace: (wf) => call(`update workflow ${wf.metadata.name} in ${namespace}`, () => objects.replaceNamespacedCustomObject({ ...at, name: wf.metadata.name!, body: wf }) as Promise<KubeObject>),
    delete: (name) => call(`delete workflow ${name} in ${namespace}`, async () => void (await objects.deleteNamespacedCustomObject({ ...at, name }))),
    podLog: (pod, o = {}) => call(`read the log of pod ${pod} in ${namespace}`, () => core.readNamespacedPodLog({ name: pod, namespace, container: o.container ?? 'main' })),
    configMap: (name) =>
      call(`get configmap ${name} in ${namespace}`, async () => {
        try {
          return (await core.readNamespacedConfigMap({ name, namespace })) as unknown as KubeObject
        } catch (e) {
          if ((e as { code?: number }).code === 404) return undefined
          throw e
        }
      }),
    deletePod: (pod) =>
      call(`delete pod ${pod} in ${namespace}`, async () => {
        try {
          await core.deleteNamespacedPod({ name: pod, namespace })
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e
        }
      }),
    watch: async (query, on, done) => {
      const w = new k8s.Watch(kc)
      const q = { allowWatchBookmarks: true, ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) }
      const ctl = await w.watch(`/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`, q, (type, object) => on({ type: type as WatchEvent['type'], object }), (err) =>
        done(err ? kubeError(err, `watch workflows in ${namespace}`, server) : null),
      )
      return () => ctl.abort()
    },
  }
}
