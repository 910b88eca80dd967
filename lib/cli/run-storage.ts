import { resolve } from 'node:path'
import { DflowError } from 'dflow-ts'
import type { ArtifactStore } from '../storage/store.ts'
import { openStore } from '../storage/store-url.ts'
import type { ArtifactLocation } from '../storage/location.ts'
import { parseRef } from '../storage/transfer.ts'

/** The options of `dflow run` that say where artifacts live, for `parseArgs`. @example parseArgs({ options: { ...RUN_STORAGE_FLAGS, … } }) */
export const RUN_STORAGE_FLAGS = {
  store: { type: 'string' },
  artifact: { type: 'string', short: 'a', multiple: true },
} as const

/** Their help lines. @example HELP + RUN_STORAGE_HELP */
export const RUN_STORAGE_HELP = `  --store URL              commit every output artifact to a store and stage inputs from it:
                           s3://BUCKET/PREFIX (endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL,
                           path style with DFLOW_S3_PATH_STYLE=1, credentials from AWS_ACCESS_KEY_ID /
                           AWS_SECRET_ACCESS_KEY or AWS_PROFILE, region AWS_REGION) or file:///DIR;
                           for Argo YAML an s3:// store is also the repository of key-only artifacts
  -a, --artifact NAME=REF  the value of workflow artifact NAME (repeatable): a REF as dflow upload prints
                           it (s3://BUCKET/KEY[.tgz], file:///DIR#KEY) or a PATH on this machine
`

/**
 * Reads one `-a` argument: `NAME=REF` (what `dflow upload` prints: `s3://BUCKET/KEY[.tgz]`, `file:///DIR#KEY`)
 * or `NAME=PATH`, a file or folder on this machine (relative to the current folder). Returns the name and
 * value, or what is wrong as a message naming the argument.
 *
 * @example
 * ```ts
 * artifactArg('data=s3://artifacts/uploads/five.tgz') // ['data', { store: 's3://artifacts/', key: 'uploads/five' }]
 * artifactArg('data=./three.txt')                      // ['data', '/here/three.txt']
 * artifactArg('data')                                  // '-a takes NAME=REF or NAME=PATH, got "data"'
 * ```
 */
export const artifactArg = (arg: string): readonly [string, ArtifactLocation | string] | string => {
  const eq = arg.indexOf('=')
  if (eq < 1) return `-a takes NAME=REF or NAME=PATH, got ${JSON.stringify(arg)}`
  const value = arg.slice(eq + 1)
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value)) return [arg.slice(0, eq), resolve(value)]
  try {
    return [arg.slice(0, eq), parseRef(value)]
  } catch (e) {
    return `-a ${arg}: ${(e as Error).message}`
  }
}

/** What `--store` and `-a` give a run. @example const s: RunStorage = { store: openStore('file:///data/store', process.env), artifacts: {} } */
export interface RunStorage {
  readonly store?: ArtifactStore
  readonly artifacts: Record<string, ArtifactLocation | string>
}

/**
 * Reads `--store URL` (see `openStore`: the rest of an S3 store's settings from the environment) and every
 * `-a NAME=REF|PATH`; or says what is wrong (a message for the command to print, exit 2).
 *
 * @example
 * ```ts
 * runStorage({ store: 's3://artifacts/runs', artifact: ['data=./in.txt'] }, process.env) // { store, artifacts: { data: '/here/in.txt' } }
 * ```
 */
export const runStorage = (values: { readonly store?: string; readonly artifact?: readonly string[] }, env: Readonly<Record<string, string | undefined>>): RunStorage | string => {
  const artifacts: Record<string, ArtifactLocation | string> = {}
  for (const a of values.artifact ?? []) {
    const given = artifactArg(a)
    if (typeof given === 'string') return given
    artifacts[given[0]] = given[1]
  }
  if (values.store === undefined) return { artifacts }
  try {
    return { store: openStore(values.store, env), artifacts }
  } catch (e) {
    if (e instanceof DflowError) return `--store ${e.message}`
    throw e
  }
}
