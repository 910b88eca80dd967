import type { KubeConfig } from '@kubernetes/client-node'

/**
 * Where the client finds its cluster: a kubeconfig file (or the KUBECONFIG variable / ~/.kube/config when
 * neither is given), or the service account of the pod it runs in.
 *
 * @example
 * ```ts
 * const c: ClusterConfig = { kubeconfig: '~/.kube/config', context: 'kind-argo', namespace: 'argo' }
 * const inside: ClusterConfig = { inCluster: true }
 * ```
 */
export interface ClusterConfig {
  /** A kubeconfig file's path, or its text (YAML). */
  readonly kubeconfig?: string
  /**
   * Use the pod's service account: KUBERNETES_SERVICE_HOST / _PORT and the token, CA and namespace files
   * under /var/run/secrets/kubernetes.io/serviceaccount/ (`{ root }` puts that folder under another root).
   */
  readonly inCluster?: boolean | { readonly root: string }
  /** The kubeconfig context to use (default: its current-context). */
  readonly context?: string
  /** The namespace (default: the context's, the service account's, or `default`). */
  readonly namespace?: string
}

/**
 * The loaded kubeconfig and the namespace to use. The client library is imported here, on first use, so
 * that importing `dflow-ts/argo` to compile loads no Kubernetes client.
 *
 * @example
 * ```ts
 * const { kc, namespace } = await loadKubeConfig({ kubeconfig: '/tmp/kubeconfig', namespace: 'argo' })
 * ```
 */
export const loadKubeConfig = async (c: ClusterConfig): Promise<{ readonly kc: KubeConfig; readonly namespace: string }> => {
  const k8s = await import('@kubernetes/client-node')
  const kc = new k8s.KubeConfig()
  if (c.inCluster) {
    if (!process.env['KUBERNETES_SERVICE_HOST']) throw new Error('inCluster: KUBERNETES_SERVICE_HOST is not set: this is not a pod (pass kubeconfig instead)')
    kc.loadFromCluster(typeof c.inCluster === 'object' ? c.inCluster.root : '')
  } else if (c.kubeconfig !== undefined) {
    if (/^\s*(apiVersion|clusters|kind|contexts|current-context)\s*:/m.test(c.kubeconfig)) kc.loadFromString(c.kubeconfig)
    else kc.loadFromFile(c.kubeconfig.replace(/^~(?=\/)/, process.env['HOME'] ?? '~'))
  } else kc.loadFromDefault()
  if (c.context !== undefined) {
    if (!kc.getContextObject(c.context)) throw new Error(`kube context "${c.context}" is not in the kubeconfig (it has: ${kc.getContexts().map((x) => x.name).join(', ') || 'none'})`)
    kc.setCurrentContext(c.context)
  }
  if (!kc.getCurrentCluster()) throw new Error('the kubeconfig names no cluster for its current context')
  const namespace = c.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default'
  return { kc, namespace }
}
