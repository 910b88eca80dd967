import { problem, type Problem } from 'dflow-ts'
import type { ResolvedOptions } from './options.ts'
import { toYaml } from './yaml.ts'

/** A key of a Kubernetes secret (Argo's `SecretKeySelector`). @example { name: 'minio-cred', key: 'accesskey' } */
export interface SecretKey {
  readonly name: string
  readonly key: string
}

/**
 * An S3 artifact repository in Argo's own format (`S3ArtifactRepository`: the `s3:` of an
 * `artifactRepository`, as in the `artifact-repositories` ConfigMap or the controller's config), the
 * fields the compiler knows. Credentials are secret references, never values.
 *
 * @example
 * ```ts
 * const s3: S3Repository = {
 *   endpoint: 'minio.argo:9000', bucket: 'my-bucket', insecure: true,
 *   accessKeySecret: { name: 'my-minio-cred', key: 'accesskey' }, secretKeySecret: { name: 'my-minio-cred', key: 'secretkey' },
 * }
 * ```
 */
export interface S3Repository {
  /** `HOST:PORT` of the S3 service (no scheme; `insecure` for plain HTTP). */
  readonly endpoint: string
  readonly bucket: string
  readonly region?: string
  /** Plain HTTP instead of HTTPS (a MinIO inside the cluster, say). */
  readonly insecure?: boolean
  /** Where a step's outputs go: Argo expands it per pod. Default {@link DEFAULT_KEY_FORMAT} (dflow's layout). */
  readonly keyFormat?: string
  readonly accessKeySecret?: SecretKey
  readonly secretKeySecret?: SecretKey
  /** Use the cloud SDK's credentials (an IAM role) instead of secrets. */
  readonly useSDKCreds?: boolean
}

/**
 * The artifact repository a workflow's artifacts use, in Argo's format (`ArtifactRepository`; only S3).
 * `dflow compile --artifact-repository FILE.yaml` reads it from a YAML file of exactly this shape — the
 * same text that goes under a key of the `artifact-repositories` ConfigMap.
 *
 * @example
 * ```ts
 * compile(wf, { artifactRepository: { s3: { endpoint: 'minio:9000', bucket: 'my-bucket', insecure: true } } })
 * ```
 */
export interface ArtifactRepository {
  readonly s3: S3Repository
}

/**
 * dflow's layout of step outputs (reference/s3.md §8): a folder per workflow and pod, each output artifact
 * `NAME.tgz` (or `NAME/…` unarchived) in it — Argo's own default key format.
 *
 * @example
 * ```ts
 * DEFAULT_KEY_FORMAT // '{{workflow.name}}/{{pod.name}}'
 * ```
 */
export const DEFAULT_KEY_FORMAT = '{{workflow.name}}/{{pod.name}}'

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Where an artifact is in a bucket. @example { bucket: 'my-bucket', key: 'uploads/data.txt' } */
export interface S3Place {
  /** Absent: the repository's bucket. */
  readonly bucket?: string
  readonly key: string
}

/**
 * Reads a REF, the text `dflow upload` prints and `-a NAME=REF` / `--local-artifact PATH=REF` take:
 * `s3://BUCKET/KEY`, the S3 object (or key prefix, for an unarchived folder) as Argo reads it — a `.tgz`
 * object is unpacked, a prefix is fetched as a folder. Anything else is a problem naming the forms.
 *
 * @example
 * ```ts
 * parseRef('s3://my-bucket/uploads/data.tgz', ['args']) // { place: { bucket: 'my-bucket', key: 'uploads/data.tgz' }, problems: [] }
 * parseRef('file:///tmp/x', ['args']).problems[0].message // 'file:///tmp/x is on this machine, not on the cluster'
 * ```
 */
export const parseRef = (ref: string, path: readonly string[]): { readonly place?: S3Place; readonly problems: readonly Problem[] } => {
  const refuse = (message: string, hint = 'give s3://BUCKET/KEY (what `dflow upload PATH --store s3://BUCKET/PREFIX` prints)') => ({ problems: [problem(path, message, hint)] })
  if (ref.startsWith('file:')) return refuse(`${ref} is on this machine, not on the cluster`, 'upload it to the S3 bucket of the artifact repository (dflow upload PATH --store s3://BUCKET/PREFIX) and give the s3:// REF it prints')
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref)
  if (!m) return refuse(`${JSON.stringify(ref)} is not an artifact REF`)
  const [, bucket, key] = m as unknown as [string, string, string]
  if (!BUCKET.test(bucket)) return refuse(`${JSON.stringify(bucket)} is not a bucket name (3–63 lowercase letters, digits, "." and "-")`)
  if (key.split('/').some((s, i, all) => s === '.' || s === '..' || (s === '' && i < all.length - 1))) return refuse(`the key ${JSON.stringify(key)} has an empty, "." or ".." segment`)
  return { place: { bucket, key }, problems: [] }
}

/** The repository's S3 fields that locate a bucket (no key, no key format). */
const connection = (s3: S3Repository): Record<string, unknown> => {
  const { keyFormat: _k, ...rest } = s3
  return { ...rest }
}

/** Whether artifacts carry their whole location (an `artifactRepository` given, no `artifactRepositoryRef`). */
const inline = (o: ResolvedOptions): boolean => o.artifactRepository !== undefined && o.artifactRepositoryRef === undefined

/**
 * The Argo location fields (`s3: …`) of an artifact at a place in S3. With the repository inline (compile
 * option `artifactRepository` without `artifactRepositoryRef`) the location is whole; otherwise it is
 * key-only (Argo takes the bucket and credentials from the repository of `artifactRepositoryRef`, or the
 * cluster's default one) — unless the place names another bucket than the repository's, which needs the
 * repository's settings to reach (a problem when the compiler has none).
 *
 * @example
 * ```ts
 * s3Location(resolveOptions({}), { key: 'wf/parts' }, path) // { fields: { s3: { key: 'wf/parts' } }, problems: [] }
 * ```
 */
export const s3Location = (o: ResolvedOptions, place: S3Place, path: readonly string[]): { readonly fields: Readonly<Record<string, unknown>>; readonly problems: readonly Problem[] } => {
  const repo = o.artifactRepository?.s3
  const elsewhere = place.bucket !== undefined && place.bucket !== repo?.bucket
  if (inline(o) || (repo && elsewhere)) return { fields: { s3: { ...connection(repo!), ...(place.bucket ? { bucket: place.bucket } : {}), key: place.key } }, problems: [] }
  if (elsewhere)
    return {
      fields: { s3: { key: place.key } },
      problems: [problem(path, `s3://${place.bucket}/${place.key}: the compiler does not know the artifact repository, so it cannot check that the bucket is the repository's`, 'pass compile options { artifactRepository: { s3: { endpoint, bucket, … } } } (dflow compile --artifact-repository FILE.yaml)')],
    }
  return { fields: { s3: { key: place.key } }, problems: [] }
}

/**
 * Where a value given for an artifact on the cluster (a REF string, or Argo's location fields as they are)
 * is, as the fields of an Argo artifact.
 *
 * @example
 * ```ts
 * placed(o, 's3://my-bucket/in/data.tgz', path).fields // { s3: { key: 'in/data.tgz' } } (key-only, the repository's bucket)
 * placed(o, { http: { url: 'https://…' } }, path).fields // as given
 * ```
 */
export const placed = (o: ResolvedOptions, value: string | Readonly<Record<string, unknown>>, path: readonly string[]) => {
  if (typeof value !== 'string') return { fields: value, problems: [] as readonly Problem[] }
  const r = parseRef(value, path)
  if (!r.place) return { fields: {}, problems: r.problems }
  return s3Location(o, r.place, path)
}

/**
 * The `archiveLocation` of a leaf template when the repository is inline: the repository's bucket and
 * credentials, its key format (default {@link DEFAULT_KEY_FORMAT}) as the key under which Argo stores the
 * step's outputs (`KEY/NAME.tgz`); `undefined` otherwise (the repository of `artifactRepositoryRef`, or the
 * cluster's default, places them).
 *
 * @example
 * ```ts
 * archiveLocation(resolveOptions({ artifactRepository: { s3: { endpoint: 'minio:9000', bucket: 'b' } } }))
 * // { s3: { endpoint: 'minio:9000', bucket: 'b', key: '{{workflow.name}}/{{pod.name}}' } }
 * ```
 */
export const archiveLocation = (o: ResolvedOptions): Readonly<Record<string, unknown>> | undefined =>
  inline(o) ? { s3: { ...connection(o.artifactRepository!.s3), key: o.artifactRepository!.s3.keyFormat ?? DEFAULT_KEY_FORMAT } } : undefined

/**
 * The ConfigMap that holds a repository for `artifactRepositoryRef` (Argo's `artifact-repositories` form),
 * its key format filled in with the default: apply it to the cluster once, then compile with
 * `{ artifactRepository, artifactRepositoryRef: { configMap, key } }`.
 *
 * @example
 * ```ts
 * repositoryConfigMap({ s3: { endpoint: 'minio:9000', bucket: 'b' } }, { configMap: 'artifact-repositories', key: 'dflow' })
 * // { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'artifact-repositories', … }, data: { dflow: 's3:\n  endpoint: …' } }
 * ```
 */
export const repositoryConfigMap = (repo: ArtifactRepository, ref: { readonly configMap: string; readonly key: string }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: ref.configMap, annotations: { 'workflows.argoproj.io/default-artifact-repository': ref.key } },
  data: { [ref.key]: toYaml({ s3: { ...repo.s3, keyFormat: repo.s3.keyFormat ?? DEFAULT_KEY_FORMAT } }) },
})
