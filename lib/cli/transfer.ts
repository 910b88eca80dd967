import { parseArgs } from 'node:util'
import { download, downloadPath, formatRef, openStore, upload, type ArtifactLocation, type PathTree } from '../storage/index.ts'
import { FILES } from '../storage/location.ts'
import { recordedArtifact } from './recorded-artifact.ts'

const UPLOAD_HELP = `Usage: dflow upload PATH... --store URL [options]

Stores the files and folders as one artifact (dflow's upload_artifact) and prints its REF: for S3
the object, s3://BUCKET/KEY (what dflow compile -a NAME=REF and Argo read), for a folder store
file:///DIR#KEY. One PATH is a list of one; several keep their order; each keeps its path relative
to the current folder, and a catalog in dflow's format records the list.

Options:
  --store URL        s3://BUCKET/PREFIX or file:///DIR (S3: endpoint from AWS_ENDPOINT_URL_S3 or
                     AWS_ENDPOINT_URL, path style with DFLOW_S3_PATH_STYLE=1, credentials from
                     AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE, region AWS_REGION)
  --archive MODE     tar (the default: one tar+gzip object, as Argo stores artifacts) or none
  -h, --help         show this help`

const DOWNLOAD_HELP = `Usage: dflow download RUN_DIR STEP ARTIFACT -o DIR

Writes the output artifact ARTIFACT of step STEP (an id such as outer.inner or print(0), or a name) of
the run in RUN_DIR into DIR (dflow's download_artifact): a folder's entries are merged into DIR, a file
lands as DIR/ARTIFACT; prints the paths written (a list or record of them for an artifact with a catalog).

Options:
  -o, --output DIR   where to write it (made if needed)
  -h, --help         show this help`

const printPaths = (p: PathTree) => console.log(typeof p === 'string' ? p : JSON.stringify(p, null, 1))

/** `dflow upload`: returns the exit code. @example await uploadMain(['a.txt', '--store', 'file:///tmp/store']) */
export const uploadMain = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { store: { type: 'string' }, archive: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return console.log(UPLOAD_HELP), 0
  if (positionals.length === 0) return console.error(`dflow upload: expected one or more paths\n\n${UPLOAD_HELP}`), 2
  if (values.store === undefined) return console.error(`dflow upload: --store URL is required\n\n${UPLOAD_HELP}`), 2
  const archive = values.archive ?? 'tar'
  if (archive !== 'tar' && archive !== 'none') return console.error(`dflow upload: --archive takes tar or none, got "${archive}"`), 2
  const store = openStore(values.store, process.env)
  try {
    const { at, info } = await upload(positionals, { store, archive })
    console.log(formatRef(at, info.archive))
    return 0
  } finally {
    await store.close()
  }
}

/** `dflow download`: returns the exit code. @example await downloadMain(['.dflow-runs/r', 'hello', 'bar', '-o', 'out']) */
export const downloadMain = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return console.log(DOWNLOAD_HELP), 0
  if (positionals.length !== 3) return console.error(`dflow download: expected RUN_DIR STEP ARTIFACT\n\n${DOWNLOAD_HELP}`), 2
  if (values.output === undefined) return console.error(`dflow download: -o DIR is required\n\n${DOWNLOAD_HELP}`), 2
  const [runDir, step, name] = positionals as [string, string, string]
  const found = await recordedArtifact(runDir, step, name)
  if (typeof found === 'object' && 'problem' in found) return console.error(`dflow download: ${found.problem}`), 1
  // A path (an old record) or a file left where its step wrote it lands under the artifact's name.
  const path = typeof found === 'string' ? found : (found as ArtifactLocation).store === FILES ? ((found as ArtifactLocation).path ?? `/${(found as ArtifactLocation).key}`) : undefined
  printPaths(path !== undefined ? await downloadPath(path, values.output, name) : await download(found as ArtifactLocation, values.output))
  return 0
}
