import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { packTar } from '../../lib/storage/tar.ts'
import { S3RVER_CREDENTIALS } from './s3rver.ts'

/**
 * What Argo's executor does with a step's output: tar+gzip it into the repository as `KEY` (a `.tgz` key), or
 * (`archive: 'none'`) upload a folder's files under `KEY/` — here into s3rver at `endpoint`.
 *
 * @example
 * ```ts
 * await argoUpload(s3.endpoint, 'artifacts', 'wf/pod/bar.tgz', 'bar.txt', 'tar')
 * ```
 */
export const argoUpload = async (endpoint: string, bucket: string, key: string, from: string, archive: 'tar' | 'none'): Promise<void> => {
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS })
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
  try {
    if (archive === 'tar') await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await buffer(packTar(from)) }))
    else for (const f of files(from)) await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}/${relative(from, f)}`, Body: readFileSync(f) }))
  } finally {
    client.destroy()
  }
}

/**
 * A ConfigMap of artifact repositories in Argo's form, in namespace `argo`: `data` maps keys to repositories
 * (an S3 repository at s3rver's `endpoint` by `s3Repo`), the annotation naming the default key.
 *
 * @example
 * ```ts
 * repositories('artifact-repositories', { mine: s3Repo(s3.endpoint, 'artifacts') }, 'mine')
 * ```
 */
export const repositories = (name: string, data: Record<string, string>, defaultKey?: string) => {
  const annotations: Record<string, string> = defaultKey ? { 'workflows.argoproj.io/default-artifact-repository': defaultKey } : {}
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'argo', annotations }, data }
}

/** An S3 repository's YAML (Argo's format) for s3rver at `endpoint`. @example s3Repo('http://127.0.0.1:4568', 'artifacts') */
export const s3Repo = (endpoint: string, bucket: string): string => `s3:\n  endpoint: ${endpoint.replace('http://', '')}\n  bucket: ${bucket}\n  insecure: true\n`
