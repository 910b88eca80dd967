import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeAtomic } from './atomic.ts'
import { PRIVATE_DIR } from './layout.ts'
import type { IoRecord, StepRecord } from './records.ts'
import { StorageError } from './storage-error.ts'

/**
 * Values longer than this (in UTF-16 code units, so at most 12 KiB of UTF-8) are kept in the run's value
 * store rather than inline: a record names them by digest, and a script reads them from the file instead
 * of its environment (Linux takes at most 128 KiB in one environment variable, 2 MiB in all).
 */
export const INLINE_LIMIT = 4096

/**
 * The value store of a run folder, `values/<sha256>`: each large value is written once, whoever uses it —
 * the journal's records (which name it by digest: `sha256:<hex>`) and the scripts that read it from a file.
 *
 * @example
 * ```ts
 * const store = valueStore('/runs/x')
 * const d = store.put(big)   // 'sha256:…', written to /runs/x/values/… the first time
 * store.get(d) === big       // true
 * ```
 */
export interface ValueStore {
  /** Stores a value (once, private to the owner) and returns its digest; a {@link StorageError} when it cannot be written. */
  readonly put: (value: string) => string
  /** The file that holds the value of a digest. */
  readonly pathOf: (digest: string) => string
  /** The value of a digest (read once, then remembered). */
  readonly get: (digest: string) => string
}

/** Opens the value store of a run folder (its `values/` folder is made when the first value is stored). */
export const valueStore = (runDir: string): ValueStore => {
  const dir = join(runDir, 'values')
  const digests = new Map<string, string>()
  const read = new Map<string, string>()
  const pathOf = (digest: string) => join(dir, digest.replace(/^sha256:/, ''))
  return {
    pathOf,
    put: (value) => {
      const known = digests.get(value)
      if (known) return known
      const digest = `sha256:${createHash('sha256').update(value).digest('hex')}`
      const path = pathOf(digest)
      if (!existsSync(path)) {
        try {
          mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR })
        } catch (e) {
          throw new StorageError(e, 'mkdir', dir)
        }
        // Written under a temporary name and renamed: a digest never names a half-written file.
        writeAtomic(path, value)
      }
      digests.set(value, digest)
      return digest
    },
    get: (digest) => {
      let v = read.get(digest)
      if (v === undefined) read.set(digest, (v = readFileSync(pathOf(digest), 'utf8')))
      return v
    },
  }
}

/** An IoRecord with its large parameters moved to the store: named in `stored`, absent from `parameters` and `values`. */
const storeIo = (io: IoRecord, store: ValueStore): IoRecord => {
  const large = Object.entries(io.parameters).filter(([, wire]) => wire.length > INLINE_LIMIT)
  if (!large.length) return io
  const parameters = { ...io.parameters }
  const values = { ...io.values }
  const stored: Record<string, string> = { ...io.stored }
  for (const [k, wire] of large) {
    stored[k] = store.put(wire)
    delete parameters[k]
    delete values[k]
  }
  return { ...io, parameters, values, stored }
}

/**
 * A step record as the journal keeps it: every parameter longer than {@link INLINE_LIMIT} stored once in the
 * value store and named by digest (`inputs.stored.NAME`), instead of inline in each line about the step.
 *
 * @example
 * ```ts
 * withStoredValues(record, store).outputs.stored // { text: 'sha256:…' } for a 2 MB output "text"
 * ```
 */
export const withStoredValues = (r: StepRecord, store: ValueStore): StepRecord => {
  const inputs = storeIo(r.inputs, store)
  const outputs = storeIo(r.outputs, store)
  return inputs === r.inputs && outputs === r.outputs ? r : { ...r, inputs, outputs }
}

/**
 * The wire strings of an IoRecord's parameters, stored ones read back from the store.
 *
 * @example
 * ```ts
 * wiresOf(record.outputs, store) // { msg: '2', text: '…2 MB…' }
 * ```
 */
export const wiresOf = (io: IoRecord, store: ValueStore): Record<string, string> => ({
  ...io.parameters,
  ...Object.fromEntries(Object.entries(io.stored ?? {}).map(([k, d]) => [k, store.get(d)])),
})

/**
 * Workflow parameters as `workflow.json` keeps them: large ones in the store, named in `storedParameters`.
 *
 * @example
 * ```ts
 * storeParameters({ n: '1', text: big }, store) // { parameters: { n: '1' }, storedParameters: { text: 'sha256:…' } }
 * ```
 */
export const storeParameters = (params: Readonly<Record<string, string>>, store: ValueStore): { parameters: Record<string, string>; storedParameters?: Record<string, string> } => {
  const parameters: Record<string, string> = {}
  const stored: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) if (v.length > INLINE_LIMIT) stored[k] = store.put(v)
  else parameters[k] = v
  return Object.keys(stored).length ? { parameters, storedParameters: stored } : { parameters }
}
