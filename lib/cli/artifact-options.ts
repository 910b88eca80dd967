import { readFileSync } from 'node:fs'
import { DflowError, problem, type Problem } from 'dflow-ts'
import { parseYaml, type ArtifactRepository, type CompileOptions } from 'dflow-ts/argo'

/** The command-line values the artifact options come from. @example { 'artifact-repository': 'repo.yaml', artifact: ['data=s3://b/k'] } */
export interface ArtifactFlags {
  readonly 'artifact-repository'?: string
  readonly 'artifact-repository-ref'?: string
  readonly artifact?: readonly string[]
  readonly 'local-artifact'?: readonly string[]
}

/** The artifact options for `parseArgs`, shared by the commands that compile. @example parseArgs({ options: { ...ARTIFACT_FLAGS, help: … } }) */
export const ARTIFACT_FLAGS = {
  'artifact-repository': { type: 'string' },
  'artifact-repository-ref': { type: 'string' },
  artifact: { type: 'string', short: 'a', multiple: true },
  'local-artifact': { type: 'string', multiple: true },
} as const

/** Help lines of the artifact options, shared by the commands that compile. @example HELP + ARTIFACT_HELP */
export const ARTIFACT_HELP = `      --artifact-repository FILE.yaml
                           the S3 artifact repository in Argo's format (s3: endpoint, bucket, region,
                           insecure, keyFormat, accessKeySecret, secretKeySecret): inline in the manifest
      --artifact-repository-ref CONFIGMAP[/KEY]
                           use the repository configured on the cluster (spec.artifactRepositoryRef)
  -a, --artifact NAME=REF  the value of workflow artifact NAME: s3://BUCKET/KEY (repeatable)
      --local-artifact PATH=REF
                           where localArtifact(PATH) was uploaded: s3://BUCKET/KEY (repeatable)
`

const pairs = (flag: string, values: readonly string[] | undefined, problems: Problem[]): Record<string, string> =>
  Object.fromEntries(
    (values ?? []).flatMap((v) => {
      const eq = v.indexOf('=')
      if (eq > 0) return [[v.slice(0, eq), v.slice(eq + 1)]]
      problems.push(problem([flag], `${flag} takes NAME=REF, got ${JSON.stringify(v)}`, `e.g. ${flag} data=s3://my-bucket/uploads/data.tgz`))
      return []
    }),
  )

/** Reads `--artifact-repository FILE.yaml`: Argo's `ArtifactRepository` with an `s3` section naming at least the endpoint and the bucket. */
const readRepository = (file: string): ArtifactRepository => {
  const at = ['--artifact-repository', file]
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new DflowError([problem(at, `cannot read it: ${(e as Error).message}`, 'give the path of a YAML file')])
  }
  const parsed = parseYaml(text)
  if (!parsed.ok) throw new DflowError(parsed.problems.map((p) => ({ ...p, path: [...at, ...p.path] })))
  const doc = parsed.documents[0] as { s3?: Record<string, unknown> } | undefined
  const s3 = doc?.s3
  const missing = ['endpoint', 'bucket'].filter((k) => typeof s3?.[k] !== 'string')
  if (typeof s3 !== 'object' || s3 === null || missing.length)
    throw new DflowError([problem(at, `not an S3 artifact repository: ${typeof s3 === 'object' && s3 !== null ? `s3 has no ${missing.join(' and ')}` : 'no s3 section'}`, 'write Argo\'s format: s3: { endpoint: HOST:PORT, bucket: NAME, insecure, region, keyFormat, accessKeySecret: { name, key }, secretKeySecret: { name, key } }')])
  return doc as unknown as ArtifactRepository
}

/**
 * The compile options the artifact flags give: the repository (inline from a file, or by reference), the
 * values of workflow artifacts (`-a NAME=REF`) and where local artifacts were uploaded
 * (`--local-artifact PATH=REF`).
 *
 * @example
 * ```ts
 * artifactOptions({ 'artifact-repository': 'repo.yaml', artifact: ['data=s3://art/in.tgz'] })
 * // { artifactRepository: { s3: { … } }, artifacts: { data: 's3://art/in.tgz' } }
 * ```
 */
export const artifactOptions = (flags: ArtifactFlags): Partial<CompileOptions> => {
  const problems: Problem[] = []
  const artifacts = pairs('--artifact', flags.artifact, problems)
  const locals = pairs('--local-artifact', flags['local-artifact'], problems)
  const ref = flags['artifact-repository-ref']
  if (ref !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[-._a-zA-Z0-9]+)?$/.test(ref))
    problems.push(problem(['--artifact-repository-ref'], `${JSON.stringify(ref)} is not CONFIGMAP or CONFIGMAP/KEY`, 'e.g. --artifact-repository-ref artifact-repositories/dflow'))
  if (problems.length) throw new DflowError(problems)
  const [configMap, key] = ref?.split('/') ?? []
  return {
    ...(flags['artifact-repository'] !== undefined ? { artifactRepository: readRepository(flags['artifact-repository']) } : {}),
    ...(configMap !== undefined ? { artifactRepositoryRef: { configMap, ...(key !== undefined ? { key } : {}) } } : {}),
    ...(Object.keys(artifacts).length ? { artifacts } : {}),
    ...(Object.keys(locals).length ? { localArtifact: (a) => locals[a.path] } : {}),
  }
}
