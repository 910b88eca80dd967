import type { Codec } from './codec.ts'

/**
 * A declared parameter: its io-ts codec, and optionally a default (which makes it optional as an input,
 * and the fallback value as an output), the file an output is read from, and a description.
 * `Opt` records at the type level whether a caller may leave it out.
 *
 * @example
 * ```ts
 * const msg = param(t.number, { path: 'result.txt' }) // an output read from result.txt, decoded as a number
 * const num = param(t.number, { default: 5 })          // an input callers may omit
 * ```
 */
export interface ParamSpec<A = unknown, Opt extends boolean = boolean> {
  readonly _tag: 'Param'
  readonly codec: Codec<A>
  /** Boxed so that a default of `undefined` or `null` is still a default. */
  readonly default?: { readonly value: A }
  /** For outputs: the file the value is read from (one trailing newline dropped, as Argo does, except for a big parameter: see `outputValueOf`). */
  readonly path?: string
  readonly description?: string
  /** A big parameter (dflow's BigParameter): its value travels as a file (an artifact on Argo), not inline. */
  readonly big?: boolean
  /** For outputs: the value is what the script printed on stdout (Argo's `outputs.result`), see `stdout()`. */
  readonly stdout?: true
  /** For outputs: also a workflow output of this name (Argo's `globalName`), see {@link workflowOutput}. */
  readonly global?: string
  /** Phantom: whether callers may omit it. */
  readonly _opt?: Opt
}

/**
 * Options of {@link param}.
 *
 * @example
 * ```ts
 * const o: ParamOptions<number> = { default: 1, path: 'n.txt', description: 'a count' }
 * param(t.number, o)
 * ```
 */
export interface ParamOptions<A> {
  readonly default?: A
  readonly path?: string
  readonly description?: string
  /** Pass the value as a file rather than inline (dflow's BigParameter). */
  readonly big?: boolean
  /**
   * For outputs: also export the value as the workflow output of this name (Argo's `globalName`): when the step
   * succeeds, later steps read it with `workflowOutput(NAME, codec)` and the run shows it in its outputs.
   */
  readonly global?: string
}

/**
 * Declares a parameter with an io-ts codec.
 *
 * @example
 * ```ts
 * param(t.string)                              // required input
 * param(t.number, { default: 2 })              // optional input; or an output's fallback value
 * param(t.number, { path: 'result.txt' })      // output read from a file in the step's work folder
 * ```
 */
export function param<A>(codec: Codec<A>, options: ParamOptions<A> & { readonly default: A }): ParamSpec<A, true>
export function param<A>(codec: Codec<A>, options?: Omit<ParamOptions<A>, 'default'>): ParamSpec<A, false>
export function param<A>(codec: Codec<A>, options: ParamOptions<A> = {}): ParamSpec<A, boolean> {
  return Object.freeze({
    _tag: 'Param' as const,
    codec,
    ...('default' in options ? { default: Object.freeze({ value: options.default as A }) } : {}),
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.big ? { big: true } : {}),
    ...(options.global !== undefined ? { global: options.global } : {}),
  })
}

/**
 * A declared artifact (a file or a folder). As an input, `path` is where the step finds it (default: a
 * folder the interpreter chooses; use the `${input}` hole in the script); `optional` lets callers omit it.
 * As an output, `path` is the file or folder the step leaves behind (relative to its work folder).
 *
 * @example
 * ```ts
 * artifact({ path: 'bar.txt' })  // an output: the file bar.txt in the work folder
 * artifact({ optional: true })   // an input callers may omit (the hole then expands to '')
 * ```
 */
export interface ArtifactSpec<Opt extends boolean = boolean> {
  readonly _tag: 'Artifact'
  readonly optional: Opt
  readonly path?: string
  readonly description?: string
  /** What a function OP sees: one path (default), a list, a record or a nested record of paths. */
  readonly shape?: ArtifactShape
  /** For outputs: how the artifact is stored (see {@link Archive}); the interpreter's default when absent. */
  readonly archive?: Archive
  /** For outputs: also a workflow output of this name (Argo's `globalName`), see {@link workflowOutputArtifact}. */
  readonly global?: string
}

/**
 * How an output artifact is stored: `'tar'` (tar+gzip, Argo's default), `'none'` (as it is: a file as one
 * object, a folder as one object per file; what a later step that reads a part of it needs), or tar+gzip
 * with a gzip compression level (`-1` gzip's default, `0` none, `1` fastest … `9` smallest). On Argo it is
 * the output artifact's `archive` (`{ none: {} }`, `{ tar: { compressionLevel } }`).
 *
 * @example
 * ```ts
 * artifact({ path: 'out/', archive: 'none' })
 * artifact({ path: 'big.dat', archive: { tar: { compressionLevel: 1 } } })
 * ```
 */
export type Archive = 'tar' | 'none' | { readonly tar: { readonly compressionLevel: number } }

/**
 * The shapes of an artifact for function OPs (dflow's `Artifact(Path | List[Path] | Dict[str, Path] | NestedDict)`).
 *
 * @example
 * ```ts
 * const s: ArtifactShape = 'list'
 * ```
 */
export type ArtifactShape = 'path' | 'list' | 'record' | 'nested'

/**
 * Options of {@link artifact}.
 *
 * @example
 * ```ts
 * const o: ArtifactOptions<true> = { path: 'data', optional: true }
 * artifact(o)
 * ```
 */
export interface ArtifactOptions<Opt extends boolean> {
  readonly path?: string
  readonly optional?: Opt
  readonly description?: string
  /** For outputs: how it is stored (see {@link Archive}). */
  readonly archive?: Archive
  /** For outputs: also export it as the workflow output artifact of this name (Argo's `globalName`). */
  readonly global?: string
}

/** Declares an artifact. @example artifact({ path: 'out/' }) */
export function artifact(options: ArtifactOptions<true> & { readonly optional: true }): ArtifactSpec<true>
export function artifact(options?: ArtifactOptions<false>): ArtifactSpec<false>
export function artifact(options: ArtifactOptions<boolean> = {}): ArtifactSpec<boolean> {
  return Object.freeze({
    _tag: 'Artifact' as const,
    optional: options.optional ?? false,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.archive !== undefined ? { archive: options.archive } : {}),
    ...(options.global !== undefined ? { global: options.global } : {}),
  })
}

/** A template's declared inputs or outputs, by name. @example const io: IoSpec = { msg: param(t.string) } */
export type IoSpec = Readonly<Record<string, ParamSpec<any, boolean> | ArtifactSpec<boolean>>>

/** Whether a spec may be omitted by a caller. @example isOptional(param(t.number, { default: 1 })) // true */
export const isOptional = (spec: ParamSpec<any, boolean> | ArtifactSpec<boolean>): boolean =>
  spec._tag === 'Param' ? spec.default !== undefined : spec.optional
