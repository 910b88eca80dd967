import { basename } from 'node:path'
import { localArtifact, problem, type LeafTemplate, type Problem } from 'dflow-ts'
import type { ArgoArtifact } from './manifest.ts'
import type { ResolvedOptions } from './options.ts'
import { placed } from './repository.ts'

/** Where shipped local packages land in the pod (the folder put on NODE_PATH and PYTHONPATH). @example `${PACKAGES_DIR}/mylib` // '/tmp/dflow/packages/mylib' */
export const PACKAGES_DIR = '/tmp/dflow/packages'

/**
 * The input artifacts and environment that ship a leaf template's local `packages` to its pod: each folder
 * an input artifact at `/tmp/dflow/packages/NAME`, its location given by the compile option
 * `localArtifact` (a problem without it), and NODE_PATH and PYTHONPATH set to that folder.
 *
 * @example
 * ```ts
 * shippedPackages({ …, packages: ['./mylib'] }, resolveOptions({ localArtifact: (a) => ({ s3: { key: a.path } }) }), path)
 * // { artifacts: [{ name: 'dflow-pkg-0', path: '/tmp/dflow/packages/mylib', s3: { key: './mylib' } }], env: [NODE_PATH, PYTHONPATH], problems: [] }
 * ```
 */
export const shippedPackages = (t: LeafTemplate, o: ResolvedOptions, path: readonly string[]) => {
  const problems: Problem[] = []
  const artifacts = (t.packages ?? []).map((p, i): ArgoArtifact => {
    const at = o.localArtifact?.(localArtifact(p))
    const where = [...path, 'packages', String(i)]
    if (!at) problems.push(problem(where, `package "${p}" has no place on the cluster`, "upload it and pass compile options { localArtifact: (a) => 's3://BUCKET/KEY' }"))
    const r = at ? placed(o, at, where) : { fields: {}, problems: [] }
    problems.push(...r.problems)
    return { name: `dflow-pkg-${i}`, path: `${PACKAGES_DIR}/${basename(p)}`, ...r.fields }
  })
  const env = artifacts.length ? [{ name: 'NODE_PATH', value: PACKAGES_DIR }, { name: 'PYTHONPATH', value: PACKAGES_DIR }] : []
  return { artifacts, env, problems }
}
