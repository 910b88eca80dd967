/**
 * An error from the Kubernetes API, or from reaching it, with what was being done, the HTTP code and the
 * API server's reason and message (`409 AlreadyExists: workflows.argoproj.io "hello" already exists`).
 *
 * @example
 * ```ts
 * try { await client.get('nope') } catch (e) { (e as KubeError).code } // 404
 * ```
 */
export class KubeError extends Error {
  constructor(
    message: string,
    /** The HTTP status (0 when the API server could not be reached). */
    readonly code: number,
    /** The API server's reason (`NotFound`, `AlreadyExists`, `Unauthorized`, `Forbidden`, `Expired`…), or the network error's code. */
    readonly reason: string,
  ) {
    super(message)
    this.name = 'KubeError'
  }
}

const HINTS: Readonly<Record<number, string>> = {
  401: 'the credentials were refused: check the token or certificate of the kubeconfig user (or the service account token)',
  403: 'the user may not do this: the service account needs a Role allowing it on workflows.argoproj.io (see README: submitting to a cluster)',
  409: 'a workflow of that name exists already: use generateName, another name, or delete the old one',
}

/**
 * Turns whatever the client library threw into a {@link KubeError} that says what failed and why.
 *
 * @example
 * ```ts
 * kubeError(e, 'create workflow in argo', 'https://127.0.0.1:6443').message
 * // 'create workflow in argo: 403 Forbidden: … (hint: the user may not do this: …)'
 * ```
 */
export const kubeError = (e: unknown, doing: string, server: string): KubeError => {
  if (e instanceof KubeError) return e
  const err = e as { code?: unknown; body?: unknown; statusCode?: unknown; message?: string; cause?: { code?: string; message?: string } }
  const code = typeof err.code === 'number' ? err.code : typeof err.statusCode === 'number' ? err.statusCode : 0
  if (code === 0 && /HTTP protocol is not allowed/.test(String(err.message))) {
    return new KubeError(`${doing}: ${server} is plain http, which @kubernetes/client-node refuses unless the kubeconfig's cluster sets insecure-skip-tls-verify: true (as for dflow server without --tls)`, 0, 'EPLAINHTTP')
  }
  if (code === 0) {
    const net = err.cause?.code ?? (typeof err.code === 'string' ? err.code : undefined) ?? /\b(E[A-Z]{4,})\b/.exec(String(err.message))?.[1] ?? 'ENETWORK'
    return new KubeError(`${doing}: cannot reach the Kubernetes API server at ${server} (${net}: ${err.cause?.message ?? err.message}); check the kubeconfig's server address and that the cluster is up`, 0, net)
  }
  let status: { reason?: string; message?: string } = {}
  try {
    status = typeof err.body === 'string' ? JSON.parse(err.body) : ((err.body as object) ?? {})
  } catch {
    status = { message: String(err.body) }
  }
  const reason = status.reason ?? (code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : String(code))
  const hint = HINTS[code]
  return new KubeError(`${doing}: ${code} ${reason}: ${status.message ?? err.message ?? ''}${hint ? ` (hint: ${hint})` : ''}`, code, reason)
}
