import { cp } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileLocation, isLocation, type ArtifactLocation } from '../storage/location.ts'
import type { ArtifactStore } from '../storage/store.ts'

/**
 * An artifact input or output as a run's queries give it: its location (a store and a key; `.path` when it
 * is on this machine — a folder store's or an output left in place) and `download(dir)`, which writes it into
 * a folder and resolves with the path it has there (asynchronous: the store may be remote).
 *
 * @example
 * ```ts
 * const bar = run.step('hello3').outputs.bar // { store: 'file:///', key: '…/hello3/workdir/bar.txt', path: '/…/hello3/workdir/bar.txt' }
 * readFileSync(bar.path!, 'utf8')            // where it is, when it is on this machine
 * await bar.download('/tmp/got')             // '/tmp/got/bar.txt'
 * ```
 */
export interface ArtifactOutput extends ArtifactLocation {
  /** Writes the artifact (file or folder) to `dir/<its name>` (`dir` is made; that name must not exist there) and resolves with that path. */
  readonly download: (dir: string) => Promise<string>
}

/**
 * Wraps a recorded location for queries, with the stores that can fetch what is not on this machine. A
 * journal written before artifacts were locations holds a bare path: it reads as that file's location.
 *
 * @example
 * ```ts
 * artifactOutput({ store: 's3://b/p/', key: 'wf-1/hello/bar' }, [s3]).download('/tmp/got') // '/tmp/got/bar'
 * ```
 */
export const artifactOutput = (recorded: ArtifactLocation | string, stores: readonly ArtifactStore[]): ArtifactOutput => {
  const at = typeof recorded === 'string' ? fileLocation(recorded) : recorded
  const download = async (dir: string): Promise<string> => {
    const to = join(dir, basename(at.path ?? at.key))
    if (at.path !== undefined) {
      await cp(at.path, to, { recursive: true, errorOnExist: true, force: false })
      return to
    }
    const store = stores.find((s) => s.id === at.store)
    if (!store) throw new Error(`artifact ${at.key} is in store ${at.store}: open the run with that store to download it`)
    await store.get(at, to)
    return to
  }
  return Object.freeze({ ...at, download })
}

/** The values of a record's artifacts as {@link ArtifactOutput}s (null stays null). @example artifactOutputs(record.outputs.artifacts, []) */
export const artifactOutputs = (recorded: Readonly<Record<string, ArtifactLocation | string | null>>, stores: readonly ArtifactStore[]): Record<string, ArtifactOutput | null> =>
  Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, v === null ? null : isLocation(v) || typeof v === 'string' ? artifactOutput(v, stores) : v]))
