import type { ArtifactOptions, ArtifactSpec, ParamOptions, ParamSpec } from '../io.ts'
import { artifact, param } from '../io.ts'
import type { Codec } from '../codec.ts'

/** A nested record of paths (dflow's `NestedDict[Path]`). @example const n: NestedPaths = { a: 'x.txt', b: { c: 'y.txt' } } */
export interface NestedPaths {
  readonly [key: string]: string | NestedPaths
}

const shaped = <S extends 'list' | 'record' | 'nested'>(shape: S) =>
  function <Opt extends boolean = false>(options: ArtifactOptions<Opt> = {}): ArtifactSpec<Opt> & { readonly shape: S } {
    const base = artifact(options as ArtifactOptions<false>) as ArtifactSpec<boolean>
    return Object.freeze({ ...base, shape }) as ArtifactSpec<Opt> & { readonly shape: S }
  }

/**
 * An artifact that a function OP sees as a list of paths (dflow's `Artifact(List[Path])`). It travels as one
 * folder holding the files at their relative paths plus `.dflow-paths.json`, the structure.
 *
 * @example
 * ```ts
 * fn({ name: 'cat', module: import.meta.url, inputs: { parts: artifactList() }, … }, ({ parts }) => …) // parts: readonly string[]
 * ```
 */
export const artifactList = shaped('list')

/** An artifact a function OP sees as a record of paths (dflow's `Dict[str, Path]`). @example outputs: { files: artifactRecord() } */
export const artifactRecord = shaped('record')

/** An artifact a function OP sees as a nested record of paths (dflow's `NestedDict[Path]`). @example outputs: { tree: artifactNested() } */
export const artifactNested = shaped('nested')

/**
 * A big parameter (dflow's `BigParameter`): typed like `param`, but its value travels as a file — an
 * artifact on Argo — so that large values do not hit Argo's size limits.
 *
 * @example
 * ```ts
 * const Hello = t.type({ msg: t.string })
 * inputs: { foo: bigParam(Hello) } // Argo: an input artifact holding the JSON
 * ```
 */
export function bigParam<A>(codec: Codec<A>, options: Omit<ParamOptions<A>, 'big'> & { readonly default: A }): ParamSpec<A, true>
export function bigParam<A>(codec: Codec<A>, options?: Omit<ParamOptions<A>, 'big' | 'default'>): ParamSpec<A, false>
export function bigParam<A>(codec: Codec<A>, options: Omit<ParamOptions<A>, 'big'> = {}): ParamSpec<A, boolean> {
  return param(codec, { ...(options as ParamOptions<A> & { default: A }), big: true })
}
