import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeJsonAtomic } from './atomic.ts'
import type { WorkflowIdentity } from './identity.ts'

/**
 * Where a run's workflow value came from, so that `dflow restart` can load it again: a TypeScript file and
 * its export, or an Argo YAML file with the files it was imported with.
 *
 * @example
 * ```ts
 * const s: RunSource = { file: '/home/me/wf.ts', export: 'big' }
 * ```
 */
export interface RunSource {
  /** The workflow file, absolute. */
  readonly file: string
  /** The named export run (the default export when absent). */
  readonly export?: string
  /** For an Argo YAML file: what it was imported with (`dflow run FILE.yaml --template …`). */
  readonly argo?: { readonly templates: readonly string[]; readonly configmaps: readonly string[]; readonly secrets: readonly string[]; readonly timeScale?: number }
}

/**
 * What a run folder records for a restart (`restart.json`, written once when the run starts, atomically):
 * the workflow's source when it is known, the parameters as given (wire strings), the value's identity (see
 * `identity.ts`), and the interpreter's settings that change what the run does.
 *
 * @example
 * ```json
 * { "version": 2, "source": { "file": "/home/me/recurse.ts" }, "parameters": {},
 *   "identity": { "digest": "sha256:…", "structure": "sha256:…", "templates": { "plus1": "sha256:…" },
 *                 "bundles": { "plus1": "sha256:…" }, "fields": { "plus1": { "bundle": "9f86d081884c7d65", … } } },
 *   "settings": { "parallelism": 2, "stage": "symlink", "baseDir": "/home/me" } }
 * ```
 */
export interface RestartRecord {
  readonly version: 2
  readonly source?: RunSource
  readonly identity: WorkflowIdentity
  readonly settings: Readonly<Record<string, unknown>>
}

/** The file of a run folder that {@link RestartRecord} is kept in. @example restartFile('/runs/x') // '/runs/x/restart.json' */
export const restartFile = (runDir: string): string => join(runDir, 'restart.json')

/** Writes a run's {@link RestartRecord} (atomically, fsync'd). @example writeRestartRecord(dir, { version: 2, identity, settings: {} }) */
export const writeRestartRecord = (runDir: string, r: RestartRecord): void => writeJsonAtomic(restartFile(runDir), r)

/**
 * Reads a run's {@link RestartRecord}, or says why it cannot (a run folder written before restart existed, or
 * not a run folder).
 *
 * @example
 * ```ts
 * const r = readRestartRecord('/runs/x') // RestartRecord | string
 * ```
 */
export const readRestartRecord = (runDir: string): RestartRecord | string => {
  try {
    const r = JSON.parse(readFileSync(restartFile(runDir), 'utf8')) as RestartRecord
    if (r.version === 2) return r
    return r.version === 1
      ? `${restartFile(runDir)} was written by an earlier dflow-ts, whose identity of the value (one digest per template, without the function OPs' bundles) this one cannot compare: finish the run with that dflow-ts, or run the workflow again`
      : `${restartFile(runDir)}: version ${String(r.version)} is not one this dflow-ts reads`
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    return err.code === 'ENOENT'
      ? `${runDir} has no restart.json: it is not a run folder, or it was written by a dflow-ts without restart`
      : `${restartFile(runDir)} cannot be read: ${err.message}`
  }
}
