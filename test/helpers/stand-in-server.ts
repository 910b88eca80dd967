import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, type ApiServer, type ServerOptions } from '../../lib/argo/server/api-server.ts'

/**
 * The local API server (`dflow server`) on loopback as the STAND-IN for a Kubernetes API server with Argo,
 * and a kubeconfig file that points at it (with the token, when the server asks for one).
 *
 * @example
 * ```ts
 * const { server, kubeconfig } = await standIn(dir, { runner: scriptedRunner([...]) })
 * argo({ kubeconfig, namespace: 'argo' })
 * ```
 */
export const standIn = async (dir: string, options: ServerOptions, o: { readonly token?: string; readonly file?: string } = {}): Promise<{ readonly server: ApiServer; readonly kubeconfig: string }> => {
  const server = await startServer(options)
  const kubeconfig = join(dir, o.file ?? 'kubeconfig')
  writeFileSync(kubeconfig, kubeconfigFor(server.url, o.token ?? options.token))
  return { server, kubeconfig }
}

/** A kubeconfig with one context, `stand-in`, for a server address (and a bearer token). @example kubeconfigFor('http://127.0.0.1:8001') */
export const kubeconfigFor = (url: string, token?: string, namespace = 'argo'): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: stand-in',
    '  cluster:',
    `    server: ${url}`,
    // @kubernetes/client-node 1.x refuses plain http unless TLS checks are off for the cluster.
    ...(url.startsWith('http:') ? ['    insecure-skip-tls-verify: true'] : []),
    'users:',
    '- name: me',
    `  user: ${token ? `{ token: ${token} }` : '{}'}`,
    'contexts:',
    '- name: stand-in',
    `  context: { cluster: stand-in, user: me, namespace: ${namespace} }`,
    'current-context: stand-in',
    '',
  ].join('\n')
