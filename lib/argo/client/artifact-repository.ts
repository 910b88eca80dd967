import type { ArtifactStore } from '../../storage/store.ts'
import type { KubeObject } from '../kube-object.ts'
import type { ArtifactRepository, S3Repository } from '../repository.ts'
import { parseYaml } from '../yaml.ts'

/**
 * How the client reaches a workflow's artifact repository to download its output artifacts. Everything is
 * optional: the repository is the one the workflow used (its status, `spec.artifactRepositoryRef`, then the namespace's `artifact-repositories` ConfigMap), the credentials the S3
 * SDK's standard chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, …) — the client does
 * not read the repository's Kubernetes secrets.
 *
 * @example
 * ```ts
 * const a: ArtifactAccess = { endpoint: 'http://127.0.0.1:9000', credentials: { accessKeyId: 'minio', secretAccessKey: '…' } }
 * argo({ kubeconfig, artifacts: a })
 * ```
 */
export interface ArtifactAccess {
  /** The S3 endpoint as reachable from here (`http://HOST:PORT`); default the repository's (`https://`, `http://` when `insecure`). */
  readonly endpoint?: string
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  readonly region?: string
  /** Path-style addressing; default: on whenever an endpoint is known (MinIO, Ceph), off for AWS. */
  readonly forcePathStyle?: boolean
  /** The repository, instead of the one the cluster says the workflow used. */
  readonly repository?: ArtifactRepository
}

/** The ConfigMap Argo reads repositories from by default, and its annotation naming the default key. */
const DEFAULT_CONFIGMAP = 'artifact-repositories'
const DEFAULT_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository'

/**
 * The S3 artifact repository a workflow's artifacts went to, as Argo chose it: the one `status.artifactRepositoryRef`
 * records (Argo writes it there), else the ConfigMap entry of `spec.artifactRepositoryRef`, else the namespace's
 * default (`artifact-repositories`, the key its annotation names, else `default-v1`), else `fallback` (the compile
 * option `artifactRepository`). Returns the repository, or why none was found.
 *
 * @example
 * ```ts
 * await repositoryOf(wf, (name) => api.configMap(name)) // { endpoint: 'minio:9000', bucket: 'my-bucket', insecure: true }
 * ```
 */
export const repositoryOf = async (wf: KubeObject, configMap: (name: string) => Promise<KubeObject | undefined>, fallback?: ArtifactRepository): Promise<S3Repository | string> => {
  const status = (wf['status'] ?? {}) as { artifactRepositoryRef?: { configMap?: string; key?: string; artifactRepository?: ArtifactRepository } }
  const recorded = status.artifactRepositoryRef?.artifactRepository?.s3
  if (recorded?.bucket) return recorded
  const ref = ((wf['spec'] ?? {}) as { artifactRepositoryRef?: { configMap?: string; key?: string } }).artifactRepositoryRef ?? status.artifactRepositoryRef
  const name = ref?.configMap ?? DEFAULT_CONFIGMAP
  let cm: KubeObject | undefined
  try {
    cm = await configMap(name)
  } catch (e) {
    if (fallback) return fallback.s3
    return `the ConfigMap ${name} cannot be read: ${(e as Error).message}`
  }
  if (!cm) return fallback?.s3 ?? `no ConfigMap ${name} in ${wf.metadata.namespace}: give the repository (argo({ artifacts: { repository } }) or compile: { artifactRepository })`
  const key = ref?.key ?? cm.metadata.annotations?.[DEFAULT_ANNOTATION] ?? 'default-v1'
  const text = (cm['data'] as Record<string, string> | undefined)?.[key]
  if (text === undefined) return fallback?.s3 ?? `the ConfigMap ${name} has no key ${key}`
  const parsed = parseYaml(text)
  const s3 = parsed.ok ? (parsed.documents[0] as Partial<ArtifactRepository> | undefined)?.s3 : undefined
  if (!s3?.bucket) return fallback?.s3 ?? `the repository ${name}/${key} is not an S3 repository with a bucket`
  return s3
}

/**
 * The store that reads a repository's objects from here (Argo's layout, read-only: `s3Objects`), for a bucket
 * (an artifact may name another than the repository's), with what `access` overrides.
 *
 * @example
 * ```ts
 * const store = await repositoryStore({ endpoint: 'minio:9000', bucket: 'b', insecure: true }, 'b', {}) // store.id 's3://b/'
 * ```
 */
export const repositoryStore = async (repo: S3Repository, bucket: string, access: ArtifactAccess): Promise<ArtifactStore> => {
  const { s3Objects } = await import('../../storage/s3-objects.ts')
  const endpoint = access.endpoint ?? (repo.endpoint ? `${repo.insecure ? 'http' : 'https'}://${repo.endpoint}` : undefined)
  const region = access.region ?? repo.region
  return s3Objects({
    bucket,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(access.credentials ? { credentials: access.credentials } : {}),
    forcePathStyle: access.forcePathStyle ?? endpoint !== undefined,
  })
}

const buckets = (wf: KubeObject): { readonly named: ReadonlySet<string>; readonly keyOnly: boolean } => {
  const named = new Set<string>()
  let keyOnly = false
  const nodes = Object.values(((wf['status'] ?? {}) as { nodes?: Record<string, { inputs?: { artifacts?: unknown[] }; outputs?: { artifacts?: unknown[] } }> }).nodes ?? {})
  // Read on every watch event until a repository is found: no list is made per node.
  const add = (list: readonly unknown[] | undefined) => {
    for (const a of (list ?? []) as readonly { s3?: { key?: string; bucket?: string } }[]) {
      if (!a.s3?.key) continue
      if (a.s3.bucket) named.add(a.s3.bucket)
      else keyOnly = true
    }
  }
  for (const n of nodes) add(n.inputs?.artifacts), add(n.outputs?.artifacts)
  return { named, keyOnly }
}

/**
 * The repository view of a workflow (see `RepositoryView` in run-view.ts): the bucket of its key-only
 * artifacts and a store per bucket its artifacts are in, each opened for one download and closed after it
 * (no connection outlives a download). `undefined` when the workflow has no S3 artifacts. A repository that
 * cannot be found gives stores whose downloads fail saying why.
 *
 * @example
 * ```ts
 * const view = await repositoryView(wf, (n) => api.configMap(n), {})
 * await argoRunView(wf, templates, readLog, view).step('hello').outputs.bar.download('/tmp/got') // '/tmp/got/bar'
 * ```
 */
export const repositoryView = async (
  wf: KubeObject,
  configMap: (name: string) => Promise<KubeObject | undefined>,
  access: ArtifactAccess,
  fallback?: ArtifactRepository,
): Promise<{ readonly bucket: string; readonly stores: readonly ArtifactStore[] } | undefined> => {
  const { named, keyOnly } = buckets(wf)
  if (!named.size && !keyOnly) return undefined
  const repo = access.repository?.s3 ?? (await repositoryOf(wf, configMap, fallback))
  const bucket = typeof repo === 'string' ? '' : repo.bucket
  const lazy = (b: string): ArtifactStore => {
    const id = `s3://${b}/`
    const open = async () => {
      if (typeof repo === 'string') throw new Error(`artifacts of workflow ${wf.metadata.name}: the artifact repository is not known (${repo})`)
      return repositoryStore(repo, b, access)
    }
    const using = async <A>(f: (s: ArtifactStore) => Promise<A>): Promise<A> => {
      const s = await open()
      try {
        return await f(s)
      } finally {
        await s.close()
      }
    }
    return {
      id,
      put: (p, k, o) => using((s) => s.put(p, k, o)),
      stack: (p, k, o) => using((s) => s.stack(p, k, o)),
      get: (at, p, o) => using((s) => s.get(at, p, o)),
      stat: (at) => using((s) => s.stat(at)),
      exists: (at) => using((s) => s.exists(at)),
      close: async () => {},
    }
  }
  return { bucket, stores: [...new Set([...named, ...(keyOnly ? [bucket] : [])])].map(lazy) }
}
