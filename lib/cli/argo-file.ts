import { readFileSync } from 'node:fs'
import { DflowError, problem } from 'dflow-ts'
import { importWorkflow, type Imported } from '../argo/import/index.ts'
import type { S3Access } from '../argo/import/s3-artifact.ts'
import { parseStoreUrl } from '../storage/store-url.ts'


const read = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new DflowError([problem([what, file], `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)])
  }
}

/**
 * The artifact repository `--store s3://BUCKET/PREFIX` gives an imported workflow (the controller's default:
 * key-only artifacts under PREFIX of BUCKET), its endpoint, region and path style from the environment as the
 * store reads them; the credentials are the S3 SDK's chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`).
 *
 * @example s3RepositoryOf('s3://artifacts/argo') // { bucket: 'artifacts', prefix: 'argo/', endpoint: process.env.AWS_ENDPOINT_URL_S3, … }
 */
export const s3RepositoryOf = (url: string): S3Access => {
  const c = parseStoreUrl(url, process.env)
  if (c.kind !== 's3') throw new DflowError([problem(['--store'], `${url} is not an S3 store`)])
  const { kind: _k, verify: _v, ...access } = c
  return access
}

/**
 * Imports an Argo workflow file for `dflow run`, with the files of the templates, ConfigMaps and Secrets it
 * references (and, given `--store s3://…`, its S3 artifact repository); problems name the file and the path in it.
 *
 * @example
 * ```ts
 * const { workflow, warnings } = loadArgoFile('hello-world.yaml', { templates: ['templates.yaml'] })
 * ```
 */
export const loadArgoFile = (
  file: string,
  files: { readonly templates?: readonly string[]; readonly configmaps?: readonly string[]; readonly secrets?: readonly string[]; readonly timeScale?: number; readonly parameters?: Readonly<Record<string, string>>; readonly store?: string },
): Imported => {
  const opts = {
    templates: (files.templates ?? []).map((f) => read(f, '--template')),
    configmaps: (files.configmaps ?? []).map((f) => read(f, '--configmap')),
    secrets: (files.secrets ?? []).map((f) => read(f, '--secret')),
    ...(files.timeScale !== undefined ? { timeScale: files.timeScale } : {}),
    ...(files.parameters ? { parameters: files.parameters } : {}),
    ...(files.store?.startsWith('s3://') ? { s3Repository: s3RepositoryOf(files.store) } : {}),
  }
  try {
    return importWorkflow(read(file, 'workflow'), opts)
  } catch (e) {
    if (e instanceof DflowError) throw new DflowError(e.problems.map((p) => ({ ...p, path: [file, ...p.path] })))
    throw e
  }
}
