import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttps } from 'node:https'
import type { AddressInfo } from 'node:net'
import { formatProblem } from 'dflow-ts'
import { schemaProblems } from '../schema.ts'
import { controller as makeController, type Controller } from './controller.ts'
import { discovery } from './discovery.ts'
import type { KubeObject, WatchEvent } from '../kube-object.ts'
import { ApiError, statusOf } from './api-error.ts'
import { objectJson } from './object-json.ts'
import { objectStore, type ObjectStore } from './object-store.ts'
import { openapi } from './openapi.ts'
import { jsonPatch, mergePatch } from './patch.ts'
import { apiVersionOf, qualified, RESOURCES, type ResourceName } from './resources.ts'
import type { Runner } from './runner.ts'
import { fieldSelector, labelSelector } from './selectors.ts'
import { tableOf, wantsTable } from './table.ts'

/**
 * How to start the local API server.
 *
 * @example
 * ```ts
 * const o: ServerOptions = { port: 0, runner, token: 's3cret' }
 * ```
 */
export interface ServerOptions {
  /** The port (0, the default: any free one). */
  readonly port?: number
  /** The address to listen on (default 127.0.0.1: only this machine). */
  readonly host?: string
  /** What runs a received workflow (see {@link Runner}). */
  readonly runner: Runner
  /** When set, every request must carry `Authorization: Bearer TOKEN` (else 401). */
  readonly token?: string
  /** A token that may only read (get, list, watch, logs): a write with it is 403. */
  readonly readOnlyToken?: string
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /** How often pending status changes are written (default 100 ms). */
  readonly tickMs?: number
  /** How often a watch that asked for bookmarks gets one (default 10 s). */
  readonly bookmarkMs?: number
  /** How many changes the watch history keeps (default 10,000); a watch from before them gets 410 Gone. */
  readonly historyLimit?: number
}

/** A running local API server. @example const s: ApiServer = await startServer({ runner }); s.url */
export interface ApiServer {
  /** `http://127.0.0.1:PORT` (or https). */
  readonly url: string
  readonly port: number
  readonly store: ObjectStore
  readonly controller: Controller
  /** Cuts every open watch connection mid-stream (what a network drop or an API server restart does). */
  readonly dropWatches: () => void
  /** Forgets the watch history (as etcd's compaction): a watch resuming from an older version gets 410 Gone. */
  readonly compact: () => void
  readonly close: () => Promise<void>
}

interface Route {
  readonly resource: ResourceName | 'namespaces'
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly log: boolean
}

const route = (path: string): Route | undefined => {
  const core = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?([a-z]+)(?:\/([^/]+))?(\/log)?$/.exec(path)
  if (core) {
    const [, ns, res, name, log] = core
    if (res === 'namespaces' && ns === undefined) return { resource: 'namespaces', namespace: undefined, name, log: false }
    if (res === 'pods' || res === 'configmaps') return { resource: res, namespace: ns, name, log: log !== undefined && res === 'pods' }
    return undefined
  }
  const argo = /^\/apis\/argoproj\.io\/v1alpha1\/(?:namespaces\/([^/]+)\/)?(workflows|workflowtemplates|clusterworkflowtemplates)(?:\/([^/]+))?$/.exec(path)
  // a cluster-scoped resource has no namespaced path (Kubernetes answers 404 there)
  if (argo && !(argo[1] !== undefined && !RESOURCES[argo[2] as ResourceName].namespaced)) return { resource: argo[2] as 'workflows' | 'workflowtemplates' | 'clusterworkflowtemplates', namespace: argo[1], name: argo[3], log: false }
  return undefined
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the body of the request is not JSON: ${(e as Error).message}`)
  }
}

const send = (res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/**
 * Starts the local API server: the part of the Kubernetes API that Argo's clients use (kubectl, the argo CLI
 * in kube mode, `@kubernetes/client-node`, dflow's own `argo()` client) — discovery, OpenAPI v3 from Argo's
 * schema, create / get / list (label and field selectors) / watch (resourceVersion, bookmarks, 410 Gone) /
 * update / patch (merge patch, JSON patch) / delete of `workflows.argoproj.io` and `workflowtemplates.argoproj.io`
 * in any namespace and of the cluster-scoped `clusterworkflowtemplates.argoproj.io`, Tables with
 * Argo's printer columns, pods with their logs, and ConfigMaps. Each workflow received is run by
 * `options.runner`, and its status written back in Argo's shape.
 *
 * @example
 * ```ts
 * const server = await startServer({ runner, port: 0 })
 * // kubectl --server server.url create -f wf.yaml
 * await server.close()
 * ```
 */
export const startServer = async (options: ServerOptions): Promise<ApiServer> => {
  const store = objectStore(options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {})
  const ctl = makeController(store, options.runner, options.tickMs !== undefined ? { tickMs: options.tickMs } : {})
  const watches = new Set<ServerResponse>()
  const json = objectJson()
  const bookmarkMs = options.bookmarkMs ?? 10_000

  const authorize = (req: IncomingMessage, write: boolean, what: string) => {
    if (options.token === undefined) return
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (given === options.token) return
    if (given !== undefined && given === options.readOnlyToken) {
      if (!write) return
      throw new ApiError(403, 'Forbidden', `${what} is forbidden: the token given may only read (get, list, watch)`)
    }
    throw new ApiError(401, 'Unauthorized', 'Unauthorized')
  }

  const validated = (o: KubeObject, mode: string | null, res: ServerResponse): Record<string, string> => {
    if (mode === 'Ignore') return {}
    const problems = schemaProblems(o)
    if (!problems.length) return {}
    const lines = problems.map(formatProblem)
    if (mode === 'Strict') throw new ApiError(422, 'Invalid', `Workflow "${o.metadata.name ?? o.metadata.generateName ?? ''}" is invalid against Argo's schema:\n${lines.join('\n')}`)
    void res
    return { Warning: lines.map((l) => `299 - ${JSON.stringify(l)}`).join(', ') }
  }

  const watch = (req: IncomingMessage, res: ServerResponse, r: Route, q: URLSearchParams) => {
    const resource = r.resource as ResourceName
    const table = wantsTable(req.headers.accept)
    const select = ((l, f) => (o: KubeObject) => l(o) && f(o))(labelSelector(q.get('labelSelector') ?? undefined), fieldSelector(q.get('fieldSelector') ?? undefined))
    let first = true
    const line = (e: WatchEvent) => {
      if (res.writableEnded || res.destroyed) return
      const change = e.type !== 'ERROR' && e.type !== 'BOOKMARK'
      const object = table && change ? tableOf(resource, [e.object as KubeObject], store.version(), { columns: first, includeObject: q.get('includeObject') ?? undefined }) : e.object
      first = false
      // a change is the stored object itself: its text is made once for every watcher, and only its changed nodes are serialised again
      res.write(change && !table ? `{"type":${JSON.stringify(e.type)},"object":${json.of(e.object as KubeObject)}}\n` : `${JSON.stringify({ type: e.type, object })}\n`)
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
    res.flushHeaders()
    let stop = () => {}
    try {
      stop = store.watch(resource, r.namespace, select, q.get('resourceVersion') ?? undefined, line)
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      line({ type: 'ERROR', object: statusOf(e) })
      return void res.end()
    }
    watches.add(res)
    const timers: NodeJS.Timeout[] = []
    if (q.get('allowWatchBookmarks') === 'true') {
      const r0 = RESOURCES[resource]
      timers.push(setInterval(() => line({ type: 'BOOKMARK', object: { kind: r0.kind, apiVersion: apiVersionOf(r0), metadata: { resourceVersion: store.version() } } }), bookmarkMs))
    }
    const timeout = Number(q.get('timeoutSeconds') ?? 0)
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000))
    res.on('close', () => {
      stop()
      timers.forEach(clearTimeout)
      watches.delete(res)
    })
  }

  const logs = (req: IncomingMessage, res: ServerResponse, ns: string, pod: string, q: URLSearchParams) => {
    store.get('pods', ns, pod) // 404 for an unknown pod
    const container = q.get('container') ?? 'main'
    if (container !== 'main' && container !== 'wait') throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${pod}`)
    const l = ctl.logOf(ns, pod)
    const text = container === 'wait' ? '' : l.text
    const tail = q.get('tailLines')
    const shown = tail === null ? text : text.split(/(?<=\n)/).slice(-Number(tail)).join('')
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    if (q.get('follow') !== 'true' || l.done || container === 'wait') return void res.end(shown)
    res.flushHeaders()
    res.write(shown)
    const follower = (chunk: string | null) => (chunk === null ? res.end() : res.write(chunk))
    l.followers.add(follower)
    res.on('close', () => l.followers.delete(follower))
    void req
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const q = url.searchParams
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const method = req.method ?? 'GET'
    const write = method !== 'GET' && method !== 'HEAD'
    const r = route(path)
    const res0 = r && r.resource !== 'namespaces' ? RESOURCES[r.resource] : undefined
    authorize(req, write, res0 ? `${qualified(res0)}${r?.name ? ` "${r.name}"` : ''}` : path)
    const d = discovery(path)
    if (d !== undefined && method === 'GET') return send(res, 200, d)
    const doc = method === 'GET' ? openapi(path) : undefined
    if (doc !== undefined) return send(res, 200, doc)
    if (path === '/healthz' || path === '/readyz' || path === '/livez') return send(res, 200, 'ok', { 'Content-Type': 'text/plain' })
    if (!r) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${method} ${path})`)

    if (r.resource === 'namespaces') {
      const seen = new Set(['default', 'argo', ...Object.keys(RESOURCES).flatMap((k) => store.list(k as ResourceName, undefined, () => true).items.flatMap((o) => (o.metadata.namespace === undefined ? [] : [o.metadata.namespace])))])
      const nsObj = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } })
      if (r.name) return send(res, 200, nsObj(r.name))
      return send(res, 200, { apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: store.version() }, items: [...seen].sort().map(nsObj) })
    }
    const resource = r.resource
    const kind = RESOURCES[resource]
    const table = wantsTable(req.headers.accept)
    if (r.log) return logs(req, res, r.namespace!, r.name!, q)

    if (method === 'GET' && r.name === undefined) {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return watch(req, res, r, q)
      const select = labelSelector(q.get('labelSelector') ?? undefined)
      const fields = fieldSelector(q.get('fieldSelector') ?? undefined)
      const { items, resourceVersion } = store.list(resource, r.namespace, (o) => select(o) && fields(o))
      items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
      if (table) return send(res, 200, tableOf(resource, items, resourceVersion, { includeObject: q.get('includeObject') ?? undefined }))
      return send(res, 200, { apiVersion: apiVersionOf(kind), kind: `${kind.kind}List`, metadata: { resourceVersion }, items })
    }
    if (r.namespace === undefined && kind.namespaced) throw new ApiError(405, 'MethodNotAllowed', `${method} needs a namespace: /namespaces/NS/${kind.plural}`)
    const ns = r.namespace ?? '' // a cluster-scoped object is kept under namespace ''
    if (method === 'GET') {
      const o = store.get(resource, ns, r.name!)
      return send(res, 200, table ? tableOf(resource, [o], o.metadata.resourceVersion!, { includeObject: q.get('includeObject') ?? undefined }) : o)
    }
    if (method === 'DELETE') return send(res, 200, store.delete(resource, ns, r.name!))

    const body = parseJson(await readBody(req)) as KubeObject
    if (method === 'POST' && r.name === undefined) {
      if (!body || typeof body !== 'object' || typeof body.metadata !== 'object') throw new ApiError(400, 'BadRequest', `the body must be a ${kind.kind} object with metadata`)
      if (body.kind !== undefined && body.kind !== kind.kind) throw new ApiError(400, 'BadRequest', `the body is a ${String(body.kind)}, not a ${kind.kind}`)
      if (kind.namespaced && body.metadata.namespace !== undefined && body.metadata.namespace !== ns)
        throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')
      const input = kind.namespaced ? { ...body, metadata: { ...body.metadata, namespace: ns } } : body // the store gives a cluster-scoped object no namespace
      const headers = resource === 'workflows' ? validated(input, q.get('fieldValidation'), res) : {}
      return send(res, 201, store.create(resource, input), headers)
    }
    if (method === 'PUT' && r.name !== undefined) {
      if (body.metadata?.name !== undefined && body.metadata.name !== r.name) throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL')
      const headers = resource === 'workflows' ? validated({ ...body, metadata: { ...body.metadata, name: r.name } }, q.get('fieldValidation'), res) : {}
      return send(res, 200, store.update(resource, ns, r.name, () => body, body.metadata?.resourceVersion), headers)
    }
    if (method === 'PATCH' && r.name !== undefined) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim()
      const apply =
        type === 'application/merge-patch+json' || (type === 'application/strategic-merge-patch+json' && resource !== 'workflows')
          ? (o: KubeObject) => mergePatch(o, body) as KubeObject
          : type === 'application/json-patch+json'
            ? (o: KubeObject) => jsonPatch(o, body) as KubeObject
            : undefined
      if (!apply)
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got "${type}")`)
      let wanted: string | undefined
      const updated = store.update(resource, ns, r.name, (o) => {
        const next = apply(o)
        wanted = typeof next.metadata?.resourceVersion === 'string' && next.metadata.resourceVersion !== o.metadata.resourceVersion ? next.metadata.resourceVersion : undefined
        return next
      })
      if (wanted !== undefined) throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(kind)} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`)
      return send(res, 200, updated)
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${path}`)
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`)
      if (res.headersSent) return void res.destroy()
      send(res, err.code, statusOf(err))
    })
  }
  const server: Server = options.tls ? createHttps({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttp(listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const host = options.host ?? '127.0.0.1'
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    controller: ctl,
    dropWatches: () => {
      for (const w of watches) w.destroy()
      watches.clear()
    },
    compact: () => store.compact(),
    close: async () => {
      ctl.close()
      for (const w of watches) w.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
