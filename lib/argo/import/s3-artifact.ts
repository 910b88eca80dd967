import type { ArgoArchive } from '../../storage/argo-s3.ts'
import type { S3StoreOptions } from '../../storage/s3-client.ts'
import { DEFAULT_KEY_FORMAT } from '../repository.ts'
import { parseYaml } from '../yaml.ts'
import { pieces } from './tags.ts'
import { fail } from './fail.ts'

type Obj = Record<string, any>

/** How a step reaches an S3 bucket: the client settings of lib/storage (bucket, endpoint, credentials). @example const a: S3Access = { bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true } */
export type S3Access = Pick<S3StoreOptions, 'bucket' | 'prefix' | 'endpoint' | 'region' | 'forcePathStyle' | 'credentials'>

/** Reads a key of a Secret the run was given (`--secret FILE`), or fails naming it. @example const v: SecretValue = (name, key) => secrets[name]![key]! */
export type SecretValue = (name: string, key: string, path: readonly string[]) => string

/** The fields of Argo's `S3Artifact` a step has locally (`key` aside). */
const LOCATION = ['bucket', 'endpoint', 'insecure', 'region', 'accessKeySecret', 'secretKeySecret', 'sessionTokenSecret']

const literal = (v: unknown, path: readonly string[]): string =>
  typeof v === 'string' && !pieces(v).some((p) => p._tag !== 'Text') ? v : fail(path, `${JSON.stringify(v)} must be literal text here (tags are substituted in the key only)`)

/**
 * An S3 location's client settings from Argo's fields (an artifact's `s3:`, or a repository's): the bucket,
 * the endpoint (`HOST:PORT`, `https://` unless `insecure`), the region, and the credentials read from the
 * Secrets `accessKeySecret` / `secretKeySecret` name (given with `--secret FILE`). A field with no local
 * meaning, a missing bucket, endpoint or credential is an error naming the field. `extra` are fields
 * accepted and not read here (`key`, a repository's `keyFormat`).
 *
 * @example
 * ```ts
 * s3Access({ bucket: 'b', endpoint: '127.0.0.1:9000', insecure: true, accessKeySecret: { name: 'cred', key: 'a' }, secretKeySecret: { name: 'cred', key: 's' } }, ['s3'], secretValue)
 * // { bucket: 'b', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials: { accessKeyId: …, secretAccessKey: … } }
 * ```
 */
export const s3Access = (s3: Obj, path: readonly string[], secretValue: SecretValue, extra: readonly string[] = ['key']): S3Access => {
  for (const k of Object.keys(s3))
    if (!LOCATION.includes(k) && !extra.includes(k))
      fail([...path, k], `"${k}" of an S3 location is not supported locally`, `the local importer reads ${[...LOCATION, ...extra].join(', ')}`)
  const bucket = s3.bucket !== undefined ? literal(s3.bucket, [...path, 'bucket']) : fail([...path, 'bucket'], 'an S3 location needs a bucket', 'give s3.bucket, or only s3.key with an artifact repository (--configmap FILE)')
  const host = s3.endpoint !== undefined ? literal(s3.endpoint, [...path, 'endpoint']) : fail([...path, 'endpoint'], 'an S3 location needs an endpoint (HOST:PORT) locally', 'give s3.endpoint (and insecure: true for plain HTTP)')
  const endpoint = /^https?:\/\//.test(host) ? host : `${s3.insecure === true ? 'http' : 'https'}://${host}`
  const secret = (f: string): string => {
    const ref = s3[f] as Obj | undefined
    if (ref?.name === undefined || ref?.key === undefined) return fail([...path, f], `an S3 location needs ${f} (a Secret's name and key) locally`, 'name the Secrets holding the access and secret keys, and give their files with --secret FILE')
    return secretValue(String(ref.name), String(ref.key), [...path, f])
  }
  const credentials = { accessKeyId: secret('accessKeySecret'), secretAccessKey: secret('secretKeySecret'), ...(s3.sessionTokenSecret !== undefined ? { sessionToken: secret('sessionTokenSecret') } : {}) }
  return {
    bucket,
    endpoint,
    ...(s3.region !== undefined ? { region: literal(s3.region, [...path, 'region']) } : {}),
    forcePathStyle: !/\.amazonaws\.com(:\d+)?$/.test(host),
    credentials,
  }
}

/** Where an artifact's `s3:` points: its key (tags substituted by the runner) and, unless it is the local folder repository, the bucket's settings. @example const s: ArtifactS3 = { key: '{{workflow.name}}/out.tgz', s3: access } */
export interface ArtifactS3 {
  readonly key: string
  readonly s3?: S3Access
}

/**
 * An artifact's `s3:` field: a key of the artifact repository (`s3: { key }`: the repository's bucket
 * when the run has one, else the local folder repository), or a location of its own (bucket, endpoint,
 * credentials: {@link s3Access}). The repository is read when a key-only artifact first needs it.
 *
 * @example
 * ```ts
 * artifactS3({ key: 'a/b.txt' }, ['inputs', 'artifacts', '0', 's3'], () => undefined, secretValue) // { key: 'a/b.txt' }
 * ```
 */
export const artifactS3 = (s3: Obj, path: readonly string[], repository: () => S3Access | undefined, secretValue: SecretValue): ArtifactS3 => {
  if (typeof s3 !== 'object' || s3 === null) return fail(path, 'an S3 artifact is an object with a key')
  const key = typeof s3.key === 'string' ? s3.key : fail([...path, 'key'], 'an S3 artifact needs a key')
  const own = Object.keys(s3).some((k) => k !== 'key')
  if (!own) {
    const repo = repository()
    return repo ? { key, s3: repo } : { key }
  }
  return { key, s3: s3Access(s3, path, secretValue) }
}

/**
 * An artifact's `archive:` as the runner moves it: an output is `tar` (tar+gzip, Argo's default) unless
 * `none: {}`; an input is unpacked when its bytes are an archive (`auto`) unless it says `none` or `tar`.
 * `zip` is refused.
 *
 * @example archiveOf({ none: {} }, ['outputs', 'artifacts', '0', 'archive'], 'output') // 'none'
 */
export const archiveOf = (archive: Obj | undefined, path: readonly string[], role: 'input' | 'output'): ArgoArchive => {
  if (archive === undefined || archive === null) return role === 'output' ? 'tar' : 'auto'
  const kinds = Object.keys(archive)
  if (kinds.length !== 1 || !['none', 'tar', 'zip'].includes(kinds[0]!)) return fail(path, `an archive is one of none, tar and zip, got ${JSON.stringify(archive)}`)
  if (kinds[0] === 'zip') return fail([...path, 'zip'], 'zip archives are not supported locally', 'use tar (the default) or none')
  return kinds[0] as 'none' | 'tar'
}

/** The ConfigMap Argo reads repositories from when a workflow names none, and the annotation of its default key. */
const DEFAULT_CONFIGMAP = 'artifact-repositories'
const DEFAULT_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository'

/**
 * An S3 artifact repository: its bucket's settings, and the key under which a step's output artifacts without
 * a key of their own go — `keyFormat`, with tags Argo substitutes per pod (`{{workflow.name}}/{{pod.name}}`
 * by default, after `keyPrefix`, its deprecated older form).
 *
 * @example const r: Repository = { s3: access, keyFormat: 'my-artifacts/{{workflow.name}}/{{pod.name}}' }
 */
export interface Repository {
  readonly s3: S3Access
  readonly keyFormat: string
}

/** The tags a keyFormat may use: the pod's (Argo substitutes it when it makes the pod: substitutePodParams). */
const KEY_TAG = /^(workflow\.(name|namespace|uid|serviceAccountName|creationTimestamp(\.[YmdHMSyj])?|parameters\.[-\w]+)|pod\.name|inputs\.parameters\.[-\w]+)$/

/**
 * A repository's key for output artifacts (Argo's `S3ArtifactRepository.IntoArtifactLocation`: `keyFormat`,
 * else `path.Join(keyPrefix, "{{workflow.name}}/{{pod.name}}")`), its tags checked.
 *
 * @example keyFormatOf({ keyPrefix: 'runs' }, ['ConfigMap/artifact-repositories', 'data', 'default-v1', 's3']) // 'runs/{{workflow.name}}/{{pod.name}}'
 */
export const keyFormatOf = (s3: Obj, path: readonly string[]): string => {
  const field = s3.keyFormat !== undefined ? 'keyFormat' : s3.keyPrefix !== undefined ? 'keyPrefix' : undefined
  if (field === undefined) return DEFAULT_KEY_FORMAT
  const v = s3[field]
  if (typeof v !== 'string') return fail([...path, field], `${field} is text, got ${JSON.stringify(v)}`)
  for (const p of pieces(v))
    if (p._tag !== 'Text' && (p._tag !== 'Tag' || !KEY_TAG.test(p.name)))
      fail([...path, field], `${field} ${JSON.stringify(v)} uses ${p._tag === 'Tag' ? `{{${p.name}}}` : 'an expression tag'}, which Argo does not substitute in an artifact repository's key`, 'use workflow.name, workflow.namespace, workflow.uid, workflow.creationTimestamp(.Y/.m/.d/.H/.M/.S/.y/.j), workflow.parameters.NAME, inputs.parameters.NAME and pod.name')
  const key = field === 'keyFormat' ? v : `${v.replace(/\/+$/, '')}/${DEFAULT_KEY_FORMAT}`.replace(/^\/+/, '')
  return key.replace(/\/+$/, '') || fail([...path, field], `${field} is empty`)
}

/**
 * The key an output artifact with none of its own is stored under in `repo`, as Argo's executor names it
 * (saveArtifactFromFile: `path.Join(keyFormat, fileName)`): `NAME.tgz` when archived (the default), the file's
 * own name with `archive: none`.
 *
 * @example outputKey(repo, 'hello', '/tmp/hello.txt', 'tar') // '{{workflow.name}}/{{pod.name}}/hello.tgz'
 */
export const outputKey = (repo: Repository, name: string, path: string, archive: ArgoArchive): string =>
  `${repo.keyFormat}/${archive === 'none' ? path.replace(/\/+$/, '').split('/').pop() : `${name}.tgz`}`

/**
 * The S3 artifact repository of an imported workflow, as Argo picks it: the ConfigMap entry
 * `spec.artifactRepositoryRef` names (ConfigMap default `artifact-repositories`, key default the one its
 * annotation names, else `default-v1`), or — when the workflow names none — the `artifact-repositories`
 * ConfigMap's default entry if the run was given it (`--configmap FILE`); `undefined` when neither: key-only
 * artifacts then live in the local folder repository. The entry's `s3:` is read by {@link s3Access}, its key
 * for output artifacts by {@link keyFormatOf}. A ConfigMap the workflow names and the run was not given is an
 * error, unless `missing` is `'none'` (then `undefined`).
 *
 * @example
 * ```ts
 * repositoryOf(configMapDocs, { configMap: 'my-repos', key: 'minio' }, ['spec', 'artifactRepositoryRef'], secretValue)
 * ```
 */
export const repositoryOf = (configMaps: readonly Obj[], ref: Obj | undefined, path: readonly string[], secretValue: SecretValue, missing: 'fail' | 'none' = 'fail'): Repository | undefined => {
  const name = String(ref?.configMap ?? DEFAULT_CONFIGMAP)
  const cm = configMaps.find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === name)
  if (!cm) return ref === undefined || missing === 'none' ? undefined : fail([...path, 'configMap'], `no ConfigMap named "${name}" holds the artifact repository`, 'give its file with --configmap FILE')
  const key = String(ref?.key ?? cm.metadata?.annotations?.[DEFAULT_ANNOTATION] ?? 'default-v1')
  const at = [`ConfigMap/${name}`, 'data', key]
  const text = cm.data?.[key]
  if (typeof text !== 'string') return fail(ref?.key !== undefined ? [...path, 'key'] : at, `the ConfigMap "${name}" has no key "${key}"`, `its keys: ${Object.keys(cm.data ?? {}).join(', ')}`)
  const y = parseYaml(text)
  const s3 = y.ok ? (y.documents[0] as Obj | undefined)?.s3 : undefined
  if (typeof s3 !== 'object' || s3 === null) return fail(at, 'the artifact repository is not an S3 repository (s3: …)', 'only S3 repositories are supported locally')
  return { s3: s3Access(s3, [...at, 's3'], secretValue, ['keyFormat', 'keyPrefix']), keyFormat: keyFormatOf(s3, [...at, 's3']) }
}
