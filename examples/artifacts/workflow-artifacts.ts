/**
 * Workflow artifacts: a file given when the workflow is run (Argo's `spec.arguments.artifacts`), read by
 * the body like a parameter; here with an inline S3 artifact repository (MinIO in the cluster, credentials
 * by secret reference), so the cluster needs no repository configured. `argoOptions` is what the golden is
 * compiled with; on the command line:
 *
 * ```sh
 * dflow upload data.txt --store s3://my-bucket/uploads        # prints the REF
 * dflow compile examples/artifacts/workflow-artifacts.ts --artifact-repository repo.yaml -a data=s3://my-bucket/uploads/data.txt.tgz
 * ```
 *
 * Locally: `dflow run examples/artifacts/workflow-artifacts.ts -a data=REF` (or `-a data=PATH`).
 */
import { artifact, param, seq, sh, shell, step, t, workflow } from 'dflow-ts'
import type { CompileOptions } from 'dflow-ts/argo'

const count = shell({
  name: 'count',
  inputs: { file: artifact() },
  outputs: { lines: param(t.number, { path: 'lines.txt' }), report: artifact({ path: 'report', archive: 'none' }) },
  script: ({ file }) => sh`wc -l < ${file} > lines.txt; mkdir -p report; head -n 3 ${file} > report/head.txt`,
})

const show = shell({ name: 'show', inputs: { lines: param(t.number) }, script: ({ lines }) => sh`echo "${lines} lines"` })

export default workflow(
  'workflow-artifacts',
  ({ data }) => {
    const c = step('count', count, { file: data })
    return seq(c, step('show', show, { lines: c.outputs.lines }))
  },
  { artifacts: { data: artifact() } },
)

/** The compile options of the golden: the repository inline, the artifact's value a REF. */
export const argoOptions: CompileOptions = {
  artifactRepository: {
    s3: {
      endpoint: 'minio.argo:9000',
      bucket: 'my-bucket',
      insecure: true,
      accessKeySecret: { name: 'my-minio-cred', key: 'accesskey' },
      secretKeySecret: { name: 'my-minio-cred', key: 'secretkey' },
    },
  },
  artifacts: { data: 's3://my-bucket/uploads/data.txt.tgz' },
}
