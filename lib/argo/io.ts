import { encodeParam, outputTextOf, type ArtifactSpec, type ParamSpec } from 'dflow-ts'

/**
 * How a parameter's codec is recorded in the manifest, so that a reader (the Argo client, a person) can
 * decode the string Argo carries: the parameter's `description` is the JSON `{"type": CODEC}`, with the
 * user's own description under `"description"` when there is one.
 *
 * @example
 * ```ts
 * codecDescription(param(t.number))                            // '{"type":"number"}'
 * codecDescription(param(t.string, { description: 'a name' })) // '{"type":"string","description":"a name"}'
 * ```
 */
export const codecDescription = (spec: ParamSpec<any, boolean>): string =>
  JSON.stringify({ type: spec.codec.name, ...(spec.description !== undefined ? { description: spec.description } : {}) })

/**
 * The wire form (always a string) of a parameter's default, if it has one.
 *
 * @example
 * ```ts
 * encodedDefault(param(t.number, { default: 2 })) // '2'
 * encodedDefault(param(t.number))                 // undefined
 * ```
 */
export const encodedDefault = (spec: ParamSpec<any, boolean>): string | undefined =>
  spec.default !== undefined ? encodeParam(spec.codec, spec.default.value) : undefined

/**
 * The `valueFrom.default` of an output parameter: its default's wire form, with one more trailing newline
 * when it ends with one, since Argo drops one from the default as from the file (`outputTextOf`).
 *
 * @example
 * ```ts
 * outputDefault(param(t.string, { default: 'd\n' })) // 'd\n\n' (Argo gives back 'd\n')
 * outputDefault(param(t.number, { default: 2 }))     // '2'
 * ```
 */
export const outputDefault = (spec: ParamSpec<any, boolean>): string | undefined => {
  const d = encodedDefault(spec)
  return d === undefined ? undefined : outputTextOf(d, false)
}

/**
 * Drops the keys whose value is `undefined` or an empty list or record, so that manifests carry no noise.
 *
 * @example
 * ```ts
 * compact({ a: 1, b: undefined, c: [], d: {} }) // { a: 1 }
 * ```
 */
export const compact = <T extends object>(o: T): T =>
  Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0),
    ),
  ) as T

/**
 * The `archive` of an output artifact as declared (`artifact({ archive })`): `{ none: {} }`, `{ tar: {} }`,
 * `{ tar: { compressionLevel } }`; `undefined` when not declared (Argo's default, tar+gzip).
 *
 * @example
 * ```ts
 * archiveOf(artifact({ archive: 'none' }))                          // { none: {} }
 * archiveOf(artifact({ archive: { tar: { compressionLevel: 9 } } })) // { tar: { compressionLevel: 9 } }
 * ```
 */
export const archiveOf = (spec: ArtifactSpec): Readonly<Record<string, unknown>> | undefined =>
  spec.archive === undefined ? undefined : spec.archive === 'none' ? { none: {} } : spec.archive === 'tar' ? { tar: {} } : { tar: { compressionLevel: spec.archive.tar.compressionLevel } }
